"""The render engine's block memo (``render/blocks.py``) gives every letter the bytes of the whole pass.

Each campaign below is rendered twice, commune by commune: by a compiled template with its memo (the
first letter the whole way, the others taken from it where they can be) and by one whose memo never takes
anything (every letter the whole way: strict parse, geometry, serialisation). The bytes must be equal for
every letter, whatever the letter changes from commune to commune: the trích yếu in its table cell, the
Kính gửi line or list, the Nơi nhận, a typed document's trích yếu under its title (measured by the
geometry), values with quotes, ampersands, asterisks and line breaks; with our own template and with a
template from elsewhere (which the memo parses). A template that breaks its XML for one commune still
fails for that commune, with exit code 3's error.
"""
import io
import textwrap
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from generator.bulk import run as bulk
from generator.bulk.campaign import load_campaign
from generator.exceptions import TemplateError
from generator.render import blocks
from generator.render.blocks import BlockMemo
from generator.render.docx import compiled_template, jinja_environment, template_faults
from generator.render.engine import CompiledTemplate

NAMES = ["Đồng Đăng", "Ia H'Drai", "Ea Kênh-Bắc", 'Nà "Phặc"', "A*B* & <C>", "Hữu Lũng", "Thiện Long", "Yên Bình",
         "Bắc Sơn", "Hòa Bình", "Minh Khai", "Tân Thành", "Quang Trung", "Đông Hưng", "Lạc Sơn", "Phú Thọ"]

LETTER = """\
chien_dich:
  ten: memo
  han: 15/12/2026
  phan_cong:
{assign}
danh_gia:
  bo_tieu_chi: xa_ntm_2021_2025
  bang: bang.csv
thu:
  co_quan_chu_quan: ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN
  co_quan_ban_hanh: SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG
  so: 12
  dia_danh: Lạng Sơn
  ngay: 20/11/2026
{extra}
  noi_dung:
    - "Kết quả của xã {{xa}} & các xã:"
    - ket_qua: xa_nay
    - chua_dat: xa_nay
    - sut_giam: xa_nay
    - phan_cong: xa_nay
    - "Hoàn thành trước ngày **{{han}}**."
  nguoi_ky:
    quyen_han: KT.
    chuc_vu: [GIÁM ĐỐC, PHÓ GIÁM ĐỐC]
    ho_ten: Nguyễn Văn An
"""

VARIANTS = {
    # the usual reminder: the commune in the trích yếu (a cell of the letterhead table) and in Kính gửi
    "cong_van": '  ky_hieu: SNNMT-PTNT\n  trich_yeu: khắc phục tiêu chí "nông thôn mới" của xã {xa}\n  kinh_gui: Ủy ban nhân dân xã {xa}',
    # a Kính gửi list: its dashes are measured against the label, so these letters go the whole way
    "danh_sach": "  ky_hieu: SNNMT-PTNT\n  trich_yeu: khắc phục tiêu chí\n  kinh_gui:\n    - Ủy ban nhân dân xã {xa}\n    - Phòng Kinh tế",
    # the commune in the Nơi nhận (the signature table's left cell) and a line break in the trích yếu
    "noi_nhan": ("  ky_hieu: SNNMT-PTNT\n  trich_yeu: |-\n    khắc phục tiêu chí\n    của xã {xa}\n"
                 "  kinh_gui: Ủy ban nhân dân xã {xa}\n"
                 "  noi_nhan:\n    - Ủy ban nhân dân xã {xa}\n    - Phòng Nông nghiệp\n  do_khan: KHẨN"),
    # a typed document (Mẫu 1.4): its trích yếu under the title is measured for the rule under it
    "ke_hoach": "  loai: ke_hoach\n  ky_hieu: KH-SNNMT\n  trich_yeu: Kế hoạch hỗ trợ xã {xa}",
}


def _campaign(folder: Path, extra: str, template: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["TT,Xã," + ",".join(str(n) for n in range(1, 20))]
    marks = ["x", "", "x", "sg", "x", "x", "", "x"]
    for i, name in enumerate(NAMES):
        row = [marks[(i * 3 + k) % len(marks)] for k in range(19)]
        rows.append(",".join([str(i + 1), '"' + name.replace('"', '""') + '"', *row]))
    (folder / "bang.csv").write_text("\n".join(rows) + "\n", "utf-8")
    assign = "\n".join(f"    {n}: Sở số {n}" for n in range(1, 20))
    text = LETTER.format(assign=assign, extra=extra + (f"\n  mau: {template}" if template else ""))
    path = folder / "chien-dich.yaml"
    path.write_text(text, "utf-8")
    return path


class _Never(BlockMemo):
    """A memo that takes nothing: every letter the whole way."""

    wanted = False

    def take(self, raw):
        return None


def _both_ways(path: Path) -> tuple[list[tuple[str, bytes, bytes]], int]:
    """Every letter of the campaign by the memo and the whole way; and how many the memo took."""
    campaign = load_campaign(path)
    template_path = bulk._template_path(campaign)
    with_memo = CompiledTemplate(template_path, jinja_environment())
    whole = CompiledTemplate(template_path, jinja_environment())
    whole._memo = _Never(whole._head, whole._tail, None, None)
    taken = []
    take = with_memo._memo.take
    with_memo._memo.take = lambda raw: taken.append(take(raw)) or taken[-1]
    letters = []
    for name in campaign.assessments.ordered_keys():
        if campaign.sends(campaign.assessments.communes[name]):
            _, fast = bulk.render_letter(campaign, name, with_memo, template_path)
            _, slow = bulk.render_letter(campaign, name, whole, template_path)
            letters.append((name, fast, slow))
    return letters, sum(1 for t in taken if t is not None)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_letter_is_the_whole_pass_byte_for_byte(tmp_path, variant):
    letters, taken = _both_ways(_campaign(tmp_path, VARIANTS[variant]))
    assert len(letters) >= 12
    for name, fast, slow in letters:
        assert fast == slow, f"{variant}: {name}"
    if variant in ("cong_van", "noi_nhan"):  # nothing measured changes: every letter but the first is taken
        assert taken == len(letters) - 1, taken
    if variant in ("danh_sach", "ke_hoach"):  # the changed paragraphs are measured: all go the whole way
        assert taken == 0, taken


def _foreign(folder: Path, broken_for: str | None = None) -> Path:
    """Our template as another office would send it: the same Word file saved again (other bytes), and,
    with ``broken_for``, a tag that opens a paragraph it never closes in the letter to that commune."""
    with zipfile.ZipFile(ROOT / "templates" / "cong-van.docx") as z:
        parts = {name: z.read(name) for name in z.namelist()}
    document = parts["word/document.xml"].decode("utf-8")
    if broken_for:
        anchor = "<w:t>Kính gửi: {{ recipient }}</w:t>"
        assert anchor in document  # a paragraph opened in the text, never closed: broken XML in that letter
        document = document.replace(anchor, '<w:t>Kính gửi: {{ recipient }}{{ "&lt;w:p&gt;"|safe if recipient and "'
                                    + broken_for + '" in recipient else "" }}</w:t>')
    parts["word/document.xml"] = document.encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    path = folder / "mau-so.docx"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return path


def test_a_template_from_elsewhere_is_parsed_and_still_the_whole_pass(tmp_path):
    _foreign(tmp_path)
    path = _campaign(tmp_path, VARIANTS["noi_nhan"], template="mau-so.docx")
    template = compiled_template(bulk._template_path(load_campaign(path)))
    assert template._memo._shipped is False  # not ours: its changed runs are parsed strictly
    letters, taken = _both_ways(path)
    assert taken == len(letters) - 1
    for name, fast, slow in letters:
        assert fast == slow, name


@pytest.mark.parametrize("variant", ["cong_van", "danh_sach", "noi_nhan"])
def test_our_word_template_renders_alike_with_and_without_the_sandbox(tmp_path, monkeypatch, variant):
    """Our own Word template is rendered without the sandbox (``engine.plain_environment``): every letter is
    the one the sandbox and the strict parse of every run give. A template from elsewhere stays in the sandbox."""
    from generator.render import engine, sandbox

    path = _campaign(tmp_path, VARIANTS[variant])
    campaign = load_campaign(path)
    template_path = bulk._template_path(campaign)
    plain = CompiledTemplate(template_path, jinja_environment())
    assert type(plain._templates["word/document.xml"].environment) is sandbox.Plain
    monkeypatch.setattr(engine.sandbox, "shipped", lambda data: False)  # as if edited: sandbox, strict parse
    boxed = CompiledTemplate(template_path, jinja_environment())
    assert type(boxed._templates["word/document.xml"].environment) is sandbox.Sandbox
    compared = 0
    for name in campaign.assessments.ordered_keys():
        if campaign.sends(campaign.assessments.communes[name]):
            assert bulk.render_letter(campaign, name, plain, template_path) == \
                bulk.render_letter(campaign, name, boxed, template_path), name
            compared += 1
    assert compared >= 12
    monkeypatch.undo()
    _foreign(tmp_path / "elsewhere")
    foreign = CompiledTemplate(tmp_path / "elsewhere" / "mau-so.docx", jinja_environment())
    assert type(foreign._templates["word/document.xml"].environment) is sandbox.Sandbox


def test_our_templates_are_known_by_their_digest():
    """``data/templates.json`` holds the digests of the templates as shipped: the shortcut for our own runs."""
    for name in ("cong-van.docx", "van-ban.docx"):
        assert compiled_template(ROOT / "templates" / name)._memo._shipped is True


def test_a_template_that_breaks_its_xml_for_one_commune_still_fails_for_it(tmp_path):
    _foreign(tmp_path, broken_for="Hòa Bình")
    path = _campaign(tmp_path, VARIANTS["cong_van"], template="mau-so.docx")
    campaign = load_campaign(path)
    template_path = bulk._template_path(campaign)
    template = CompiledTemplate(template_path, jinja_environment())
    failed = []
    for name in campaign.assessments.ordered_keys():
        if not campaign.sends(campaign.assessments.communes[name]):
            continue
        try:
            with template_faults(template_path):
                bulk.render_letter(campaign, name, template, template_path)
        except TemplateError as err:
            failed.append((name, str(err)))
    assert [name for name, _ in failed] == ["Hòa Bình"]
    assert "XML hỏng" in failed[0][1] and "mau-so.docx" in failed[0][1]
    assert template._memo._ref is not None  # the memo was in use for the letters around it


def test_our_runs_are_written_as_lxml_writes_them_or_parsed(tmp_path):
    """The shortcut for our own templates: quotes and empty text elements written as lxml writes them; a run
    with a carriage return or a control character is left to the strict parse (None)."""
    path = _campaign(tmp_path, VARIANTS["cong_van"])
    campaign = load_campaign(path)
    template_path = bulk._template_path(campaign)
    template = CompiledTemplate(template_path, jinja_environment())
    for name in campaign.assessments.ordered_keys()[:2]:  # the first letter is cut into blocks when a second comes
        bulk.render_letter(campaign, name, template, template_path)
    memo, ref = template._memo, template._memo._ref
    body = next(i for i, top in enumerate(ref.top) if top and i != ref.keep_run)
    paragraph = '<w:p><w:pPr><w:pStyle w:val="CVNoiDung"/></w:pPr><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>'
    written = memo._as_written(paragraph.format("Xã &#34;A&#39;s&#34; &amp; B") + paragraph.format(""), ref, body, False)
    assert written == (paragraph.format('Xã "A\'s" &amp; B').encode()
                       + b'<w:p><w:pPr><w:pStyle w:val="CVNoiDung"/></w:pPr><w:r><w:t xml:space="preserve"/></w:r></w:p>')
    for odd in ("a\rb", "a\x01b", "a\x1fb", "a\x00b"):
        assert memo._as_written(paragraph.format(odd), ref, body, False) is None, repr(odd)
    # a paragraph the geometry measures (the urgency box) is never written without the whole pass
    urgency = paragraph.replace("CVNoiDung", "CVDoKhan").format("KHẨN")
    assert memo._as_written(urgency, ref, body, False) is None


@pytest.mark.parametrize("name", ["cong-van.docx", "van-ban.docx"])
def test_our_templates_have_tables_and_sections_only_outside_their_conditions_and_loops(name):
    """What lets the memo take a changed run of ours as paragraphs only: in our templates every table, row, cell
    and section lies outside every condition and loop, and nothing else repeats or skips text (no macro, call,
    filter block, include), so every letter has it where the reference has it, in a frame. The memo does not look
    for a table, a row, a cell or a section in a run of ours (``blocks.BlockMemo._as_written``): this is why none
    can come."""
    import jinja2

    from generator.render import engine

    template = compiled_template(ROOT / "templates" / name)
    assert template._memo.shipped
    tree = jinja2.Environment().parse(engine._source(template.sources["word/document.xml"]))
    controls = list(tree.find_all((jinja2.nodes.If, jinja2.nodes.For)))
    assert len(controls) >= 10
    others = (jinja2.nodes.Macro, jinja2.nodes.CallBlock, jinja2.nodes.FilterBlock, jinja2.nodes.Block,
              jinja2.nodes.Include, jinja2.nodes.Import, jinja2.nodes.FromImport, jinja2.nodes.Extends,
              jinja2.nodes.With, jinja2.nodes.Scope, jinja2.nodes.AssignBlock)
    assert next(tree.find_all(others), None) is None
    for control in controls:
        for data in control.find_all(jinja2.nodes.TemplateData):
            for tag in ("<w:tbl", "<w:tr", "<w:tc", "<w:sectPr", "</w:tc", "</w:tr", "</w:tbl"):
                assert tag not in data.data, (name, tag, data.data[:200])
    whole = "".join(d.data for d in tree.find_all(jinja2.nodes.TemplateData))
    assert "<w:tbl" in whole and "<w:sectPr" in whole  # they are there, outside


@pytest.mark.parametrize("name", ["cong-van.docx", "van-ban.docx"])
def test_our_empty_text_elements_are_written_as_lxml_writes_them_in_template_text_only(name):
    """``engine._written``: docxtpl leaves ``<w:t xml:space="preserve"></w:t>`` beside each ``{{r …}}`` tag of our
    templates; their source has it written ``<w:t xml:space="preserve"/>``, and only in template text (never in a
    Jinja string, where the change would reach a value), so the letter is the whole pass's either way."""
    import jinja2

    from generator.render import engine

    template = compiled_template(ROOT / "templates" / name)
    source = engine._source(template.sources["word/document.xml"])
    empty = '<w:t xml:space="preserve"></w:t>'
    in_text = sum(value.count(empty) for _, kind, value in jinja2.Environment().lex(source) if kind == "data")
    assert source.count(empty) == in_text >= 4  # two beside each {{r}}: all in template text
    written = engine._written(source)
    assert empty not in written and written.count('<w:t xml:space="preserve"/>') >= source.count(empty)
    # what the memo gets, as Jinja wrote it: no empty text element left to rewrite in a letter's body
    from generator.render.context import context

    campaign = load_campaign(ROOT / "inputs" / "chien-dich" / "nhac-xa-2026.yaml")
    _, letter = campaign.letter_for(campaign.assessments.communes[campaign.assessments.ordered_keys()[0]])
    raw = template._render_raw("word/document.xml", context(letter, template.prototypes))
    assert "<w:p>" in raw or "<w:p " in raw
    assert "></w:t>" not in raw


def test_segments_cut_paragraph_runs_and_frames():
    inner = ('<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p><w:p/></w:tc></w:tr></w:tbl>'
             '<w:p><w:r><w:pict><w:p>nested</w:p></w:pict></w:r></w:p><w:p>b</w:p><w:sectPr/>')
    frames, runs, offsets = blocks._segments(inner, blocks._TAG_STR, "w:p")
    assert runs == ["<w:p><w:r><w:t>a</w:t></w:r></w:p><w:p/>",
                    "<w:p><w:r><w:pict><w:p>nested</w:p></w:pict></w:r></w:p><w:p>b</w:p>"]
    assert frames == ["<w:tbl><w:tr><w:tc>", "</w:tc></w:tr></w:tbl>", "<w:sectPr/>"]
    assert offsets == [(0, 34, 40), (0, 56, 68)]  # where each paragraph starts in its run, and the run's end
    assert blocks._segments("<w:p><!-- x --></w:p>", blocks._TAG_STR, "w:p") is None
    assert blocks._segments("<w:p><w:r></w:p>", blocks._TAG_STR, "w:p") is None


def test_the_registry_holds_the_digests_of_the_committed_templates():
    """``data/templates.json`` is what ``scripts/build_template.py`` records: each Word template's bytes and
    each sentence template's text, as committed. A template rebuilt or a sentence edited without running the
    script again would silently lose the shortcuts (never the letter's correctness): this catches it."""
    import hashlib
    import json

    recorded = json.loads((ROOT / "generator" / "data" / "templates.json").read_text("utf-8"))
    expected = {name: hashlib.sha256((ROOT / "templates" / name).read_bytes()).hexdigest()
                for name in ("cong-van.docx", "van-ban.docx")}
    for path in sorted((ROOT / "templates" / "cau").glob("*.j2")):
        expected[f"cau/{path.name}"] = hashlib.sha256(path.read_text("utf-8").encode("utf-8")).hexdigest()
    assert recorded == expected


def test_sentences_of_our_templates_render_alike_with_and_without_the_sandbox(tmp_path):
    """Our own sentence templates skip the sandbox (``sentences.shipped_environment``); every sentence of a
    campaign is the text the sandbox gives. An edited copy goes to the sandbox, which still refuses what it
    refuses."""
    from generator.wording import sentences

    path = _campaign(tmp_path, VARIANTS["cong_van"])
    campaign = load_campaign(path)
    folder = sentences.SENTENCE_DIR
    kinds = sorted(p.stem for p in folder.glob("*.j2") if p.stem not in ("tong_hop", "tham_dinh"))  # need other data
    compared = 0
    for name in campaign.assessments.ordered_keys():
        facts = sentences.facts(campaign.assessments.communes[name], campaign.assessments.default_set.id)
        extra = {"muc": {"tieu_chi": {"so": 2, "ten": "Giao thông"}, "don_vi": "Sở A", "cac_don_vi": ["Sở A"],
                         "sut_giam": True}, "han": "31/12/2026"}
        for kind in kinds:
            plain = sentences.shipped_environment(str(folder)).get_template(f"{kind}.j2").render(xa=facts, **extra)
            boxed = sentences.environment(str(folder)).get_template(f"{kind}.j2").render(xa=facts, **extra)
            assert plain == boxed, (name, kind)
            compared += 1
    assert compared >= 60
    edited = tmp_path / "cau"
    edited.mkdir()
    for p in folder.glob("*.j2"):
        (edited / p.name).write_text(p.read_text("utf-8"), "utf-8")
    (edited / "ket_qua.j2").write_text("{{ xa.__class__ }}", "utf-8")
    facts = sentences.facts(campaign.assessments.communes[campaign.assessments.ordered_keys()[0]],
                            campaign.assessments.default_set.id)
    with pytest.raises(TemplateError, match="không an toàn"):
        sentences.write("ket_qua", campaign.assessments.communes[campaign.assessments.ordered_keys()[0]],
                        campaign.assessments.default_set.id, edited)
    assert sentences._template(edited, "chua_dat.j2").environment is sentences.shipped_environment(str(edited))
    assert sentences._template(edited, "ket_qua.j2").environment is sentences.environment(str(edited))


def test_a_sentence_that_only_names_the_unit_is_written_once_with_each_name_put_in(tmp_path):
    """``phan_cong.j2`` reads nothing of the unit but its names, printed as they are: its text is written
    once per criterion and the names put in (``sentences._names_only``); each is the text the template
    renders for that unit. A template that reads more of the unit, or does anything else with a name, is
    rendered every time (``sentences.reads_names_only`` tells which)."""
    from generator.wording import sentences

    path = _campaign(tmp_path, VARIANTS["cong_van"])
    campaign = load_campaign(path)
    folder = sentences.SENTENCE_DIR
    phan_cong = sentences._template(folder, "phan_cong.j2")
    assert sentences._names_only(phan_cong) is True
    assert sentences._names_only(sentences._template(folder, "chua_dat.j2")) is False
    sentences._SAME_BUT_NAMES.clear()
    sentences._RENDERS[phan_cong] = 64  # as in a bulk run, from its 65th sentence on (sentences.ASK_AFTER)
    rendered = 0
    for name in campaign.assessments.ordered_keys():
        commune = campaign.assessments.communes[name]
        facts = sentences.facts(commune, campaign.assessments.default_set.id)
        for sut_giam in (False, True):
            extra = {"muc": {"tieu_chi": {"so": 2, "ten": "Giao thông"}, "don_vi": "Sở A và Sở B",
                             "cac_don_vi": ["Sở A", "Sở B"], "sut_giam": sut_giam}, "han": "31/12/2026"}
            expected = " ".join(phan_cong.render(xa=facts, **extra).split())
            assert sentences._render("phan_cong", facts, folder, **extra) == expected, name
            rendered += 1
    assert rendered >= 24 and len(sentences._SAME_BUT_NAMES) == 2  # written twice, for the two flags
    assert any("A\\*B\\* &" in sentences._render("phan_cong", sentences.facts(c, "xa_ntm_2021_2025"), folder, **extra)
               for c in campaign.assessments.communes.values())  # a name's asterisks stay asterisks
    # a stand-in's character typed in another value is never taken for a name
    odd = dict(extra, muc=dict(extra["muc"], don_vi="Sở \ue0000\ue001"))
    facts = sentences.facts(campaign.assessments.communes["Yên Bình"], campaign.assessments.default_set.id)
    assert sentences._render("phan_cong", facts, folder, **odd) == " ".join(phan_cong.render(xa=facts, **odd).split())
    assert "Yên Bình hoàn thiện" in sentences._render("phan_cong", facts, folder, **odd)
    expected_odd = " ".join(phan_cong.render(xa=facts, **odd).split())
    extra = odd
    # the sentences of a single letter, even one to 64 communes, are rendered without the parse _names_only makes
    sentences._RENDERS.clear()
    names_only = sentences._names_only
    sentences._names_only = lambda template: pytest.fail("parsed for a single letter")
    try:
        for _ in range(64):
            assert sentences._render("phan_cong", facts, folder, **extra) == expected_odd
    finally:
        sentences._names_only = names_only
    assert sentences._worth_asking(phan_cong) is True  # the 65th
    env = sentences.shipped_environment(str(folder))
    for source, expected in (("{{ xa.ten }} và {{ xa.cap }}", True), ("{{ xa.ten | upper }}", False),
                             ("{{ xa.ten ~ '!' }}", False), ("{% if xa.ten == 'A' %}a{% endif %}", False),
                             ("{{ xa.dat }}", False), ("{% set b = xa %}{{ b.ten }}", False),
                             ("{{ xa['ten'] }}", False), ("{{ muc.don_vi }}", True),
                             ("{{ xa.bo.nhan }} {{ xa.tong | hai_chu_so }} {{ xa.ten }}", False),
                             ("{{ xa.ten if xa.ghi_bo }}", False), ("{{ xa | tojson }}", False),
                             ("{% for k in xa %}{{ k }}{% endfor %}", False),
                             ("{% macro m() %}{{ xa.ten }}{% endmacro %}{{ m() | upper }}", False),
                             ("{% set t %}{{ xa.ten }}{% endset %}{{ t | upper }}", False),
                             ("{% filter upper %}{{ xa.ten }}{% endfilter %}", False),
                             ("{% include 'ket_qua.j2' %}{{ xa.ten }}", False)):
        assert sentences.reads_names_only(env, source) is expected, source


def test_our_templates_hold_the_letter_without_being_checked_each_run():
    """A template from elsewhere is checked for the tags that print the letter (``engine._check_holds_letter``)
    every time it is compiled; ours skip that parse, so this test checks them once for all."""
    from docxtpl import DocxTemplate

    from generator.render import engine

    for name in ("cong-van.docx", "van-ban.docx"):
        template = compiled_template(ROOT / "templates" / name)
        assert template._memo.shipped
        tpl = DocxTemplate(str(ROOT / "templates" / name))  # docxtpl's patching afresh, not the kept one
        tpl.get_docx()
        source = engine._source(tpl.patch_xml(tpl.get_xml()))
        engine._check_holds_letter(jinja_environment().parse(source), name)  # raises if one is missing
        assert all(tag in source for tag in ("paragraphs", "signer_name"))


def test_a_run_that_grows_past_the_paragraph_kept_with_the_signature_goes_the_whole_way(tmp_path):
    """The reference's last paragraph before the signature carries keepNext; a letter whose run is the
    reference's run plus more paragraphs must not keep that mark on a paragraph that is no longer last."""
    path = _campaign(tmp_path, VARIANTS["cong_van"])
    campaign = load_campaign(path)
    template_path = bulk._template_path(campaign)
    template = CompiledTemplate(template_path, jinja_environment())
    for name in campaign.assessments.ordered_keys()[:2]:
        bulk.render_letter(campaign, name, template, template_path)
    ref = template._memo._ref
    i = ref.keep_run
    old = ref.raw_runs[i]
    grown = old + '<w:p><w:pPr><w:pStyle w:val="CVNoiDung"/></w:pPr><w:r><w:t>Thêm.</w:t></w:r></w:p>'
    assert BlockMemo._trim(grown, ref, i) is None
    assert "Hoàn thành trước ngày" in old[old.rfind("<w:p>"):]  # the run's last paragraph
    kept_start, middle, kept_end, last = BlockMemo._trim(old.replace("Hoàn thành", "Xong"), ref, i)
    assert last and middle.startswith("<w:p") and kept_end == b""  # only the last changed: it is marked anew
    shrunk = old[:old.rfind("<w:p>")]  # the last paragraph gone: the one before it would stay unmarked
    assert BlockMemo._trim(shrunk, ref, i) is None


@pytest.mark.parametrize("data, expected", [
    (b'<w:p><w:r/></w:p><w:p><w:pPr><w:pStyle w:val="A"/></w:pPr></w:p>', 17),
    (b'<w:p w:rsidR="1"><w:pPr/></w:p>', 0),
    (b'<w:p><w:r/></w:p><w:p w:x="1"><w:pPr/><w:r><w:t>a</w:t></w:r></w:p>', 17),
    (b'<w:pPr/><w:pStyle w:val="A"/>', -1),  # properties alone: no paragraph starts here
    (b"<w:p", -1),
    (b"", -1),
])
def test_the_last_paragraph_of_a_run_is_found_from_its_end(data, expected):
    """``blocks._last_paragraph``: the start of the last ``<w:p>`` or ``<w:p …>``, never a ``<w:pPr`` or ``<w:pStyle``."""
    assert blocks._last_paragraph(data) == expected
