"""The organisation on the reports (socialdesk.reports.branding): defaults from the workspace,
checked names and colours (the main colour readable on white), logos kept only as PNG or
JPEG and stored re-encoded as a small PNG; on SQLite and on PostgreSQL."""

from __future__ import annotations

import base64
import io
import random

import pytest
from PIL import Image
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from socialdesk.model import Workspace, WorkspaceFact
from socialdesk.reports import branding
from socialdesk.reports.branding import BrandingError


def _image(fmt: str, size=(1800, 900), colour=(31, 78, 121), mode="RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, fmt, **save)
    return out.getvalue()


def test_without_settings_the_workspace_name_and_the_report_colours(ws):
    with Session(ws.engine) as s:
        s.execute(update(Workspace).where(Workspace.id == ws.workspace_id).values(name="Groenstad"))
        got = branding.load(s, ws.workspace_id)
    assert got == branding.Branding("Groenstad", None, None, "#1f4e79", "#d9822b")
    assert got.logo_data_uri() is None


def test_saved_name_and_colours_come_back_and_keep_what_was_not_given(ws):
    with Session(ws.engine) as s, s.begin():
        branding.save(s, ws.workspace_id, name="  Gemeente   Groenstad ", primary="#0B3D2E")
    with Session(ws.engine) as s, s.begin():
        branding.save(s, ws.workspace_id, accent="#FFCC00")
    with Session(ws.engine) as s:
        got = branding.load(s, ws.workspace_id)
        facts = s.scalars(
            select(WorkspaceFact).where(
                WorkspaceFact.workspace_id == ws.workspace_id, WorkspaceFact.key == branding.KEY
            )
        ).all()
    assert (got.name, got.primary, got.accent) == ("Gemeente Groenstad", "#0b3d2e", "#ffcc00")
    assert len(facts) == 1


@pytest.mark.parametrize("name", ["", "   ", "x" * 121, "tab\x00name"])
def test_a_name_must_be_1_to_120_printable_characters(ws, name):
    with Session(ws.engine) as s, pytest.raises(BrandingError, match="1 to 120 characters"):
        branding.save(s, ws.workspace_id, name=name)


@pytest.mark.parametrize("colour", ["1f4e79", "#1f4e7", "#1f4e79a", "#ggg000", "red", "#1f4e79;"])
def test_a_colour_is_exactly_hash_and_six_hex_digits(ws, colour):
    with Session(ws.engine) as s:
        with pytest.raises(BrandingError, match="is not a colour"):
            branding.save(s, ws.workspace_id, primary=colour)
        with pytest.raises(BrandingError, match="Accent colour"):
            branding.save(s, ws.workspace_id, accent=colour)


def test_a_main_colour_too_light_for_text_on_white_is_refused_and_nothing_is_stored(ws):
    assert branding.contrast("#ffffff") == pytest.approx(1.0)
    assert branding.contrast("#000000") == pytest.approx(21.0)
    assert branding.contrast("#767676") >= 4.5 > branding.contrast("#777777")  # WCAG's edge
    with Session(ws.engine) as s:
        with pytest.raises(BrandingError) as refused:
            branding.save(s, ws.workspace_id, name="Kept? No", primary="#ffcc00")
        s.rollback()
        assert branding.load(s, ws.workspace_id).primary == branding.DEFAULT_PRIMARY
    assert "too light for text on white" in str(refused.value)
    assert refused.value.reason.msgid.startswith("The main colour %(colour)s is too light")
    with Session(ws.engine) as s:
        branding.save(s, ws.workspace_id, primary="#767676")  # just enough


def test_a_logo_is_shrunk_and_stored_as_a_clean_png(ws):
    jpeg = _image("JPEG", size=(3000, 1000), quality=95, comment=b"secret camera note")
    with Session(ws.engine) as s, s.begin():
        saved = branding.save(s, ws.workspace_id, logo=jpeg)
    with Session(ws.engine) as s:
        got = branding.load(s, ws.workspace_id)
    assert got == saved and got.logo is not None and got.logo_type == "image/png"
    assert got.logo.startswith(b"\x89PNG\r\n\x1a\n") and b"secret camera note" not in got.logo
    with Image.open(io.BytesIO(got.logo)) as img:
        assert img.format == "PNG" and img.size == (600, 200)
    assert len(got.logo) <= 200 * 1024
    uri = got.logo_data_uri()
    assert uri is not None and uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == got.logo


def test_a_transparent_png_keeps_its_transparency_and_small_logos_are_not_enlarged(ws):
    png = _image("PNG", size=(120, 40), colour=(0, 0, 0, 0), mode="RGBA")
    with Session(ws.engine) as s:
        got = branding.save(s, ws.workspace_id, logo=png)
    assert got.logo is not None
    with Image.open(io.BytesIO(got.logo)) as img:
        assert img.size == (120, 40) and img.mode == "RGBA"


def test_a_noisy_photograph_is_reduced_to_fit(ws):
    noise = Image.frombytes("RGB", (600, 200), random.Random(0).randbytes(600 * 200 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert len(out.getvalue()) > 200 * 1024  # as PNG of its own colours: too large
    with Session(ws.engine) as s:
        got = branding.save(s, ws.workspace_id, logo=out.getvalue())
    assert got.logo is not None and len(got.logo) <= 200 * 1024


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    "data",
    [
        SVG,
        b"",
        b"%PDF-1.4 not a picture",
        _image("GIF"),
        _image("WEBP"),
        _image("PNG")[:60],  # truncated
    ],
    ids=["svg", "empty", "pdf", "gif", "webp", "truncated"],
)
def test_anything_but_png_or_jpeg_is_refused_and_the_old_logo_stays(ws, data):
    with Session(ws.engine) as s, s.begin():
        branding.save(s, ws.workspace_id, logo=_image("PNG"))
    with Session(ws.engine) as s:
        with pytest.raises(BrandingError, match="not a PNG or JPEG"):
            branding.save(s, ws.workspace_id, logo=data)
        s.rollback()
        assert branding.load(s, ws.workspace_id).logo is not None


def test_a_logo_larger_than_2_mb_or_with_too_many_pixels_is_refused(ws):
    with Session(ws.engine) as s:
        with pytest.raises(BrandingError, match="larger than 2 MB"):
            branding.save(s, ws.workspace_id, logo=b"\x89PNG" + b"0" * (2 * 1024 * 1024))
        huge = _image("PNG", size=(8000, 6000), colour=(255, 255, 255))  # compresses well
        assert len(huge) < 2 * 1024 * 1024
        with pytest.raises(BrandingError, match="too many pixels"):
            branding.save(s, ws.workspace_id, logo=huge)


def test_the_logo_can_be_removed_but_not_replaced_and_removed_at_once(ws):
    with Session(ws.engine) as s, s.begin():
        branding.save(s, ws.workspace_id, logo=_image("PNG"))
        with pytest.raises(BrandingError, match="not both"):
            branding.save(s, ws.workspace_id, logo=_image("PNG"), remove_logo=True)
        assert branding.save(s, ws.workspace_id, remove_logo=True).logo is None
    with Session(ws.engine) as s:
        assert branding.load(s, ws.workspace_id).logo is None


def test_a_workspace_sees_only_its_own_branding(ws):
    from socialdesk.store.session import ensure_workspace

    other = ensure_workspace(ws.engine, ws.slug + "-other")
    with Session(ws.engine) as s, s.begin():
        branding.save(s, ws.workspace_id, name="One", primary="#000000")
    with Session(ws.engine) as s:
        assert branding.load(s, other).primary == branding.DEFAULT_PRIMARY
        assert branding.load(s, other).name != "One"


def test_the_command_line_shows_and_changes_the_branding(tmp_path):
    from typer.testing import CliRunner

    from socialdesk.cli import app

    folder, logo = tmp_path / "ws", tmp_path / "logo.jpg"
    logo.write_bytes(_image("JPEG"))
    run = CliRunner().invoke
    shown = run(app, ["settings", "branding", "-w", str(folder), "--json"])
    assert shown.exit_code == 0 and '"primary": "#1f4e79"' in shown.stdout
    changed = run(
        app,
        ["settings", "branding", "-w", str(folder), "--name", "Groenstad [b]", "--logo",
         str(logo), "--primary", "#0B3D2E", "--accent", "#ffcc00"],
    )  # fmt: skip
    assert changed.exit_code == 0, changed.output
    assert "Groenstad [b]" in changed.stdout and "#0b3d2e" in changed.stdout
    refused = run(app, ["settings", "branding", "-w", str(folder), "--primary", "#ffff00"])
    assert refused.exit_code == 2 and "too light" in refused.output
    removed = run(app, ["settings", "branding", "-w", str(folder), "--remove-logo", "--json"])
    assert removed.exit_code == 0 and '"logo": false' in removed.stdout
    assert '"primary": "#0b3d2e"' in removed.stdout  # the refused colour was not stored


def test_a_truncated_logo_is_refused_after_weasyprint_was_imported(ws):
    """WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES when imported; a cut-off PNG must still
    be refused, whatever ran before in the process."""
    import weasyprint.images  # noqa: F401
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    with Session(ws.engine) as s, pytest.raises(BrandingError, match="not a PNG or JPEG"):
        branding.save(s, ws.workspace_id, logo=_image("PNG")[:60])


def test_a_truncated_jpeg_is_refused_too(ws):
    import weasyprint.images  # noqa: F401  (lets Pillow load truncated images)

    whole = _image("JPEG", colour=(200, 30, 30))
    with Session(ws.engine) as s:
        with pytest.raises(BrandingError, match="not a PNG or JPEG"):
            branding.save(s, ws.workspace_id, logo=whole[: len(whole) * 2 // 3])
        assert branding.save(s, ws.workspace_id, logo=whole).logo is not None
