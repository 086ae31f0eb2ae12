"""``dispatch diff --html``: one self-contained page, old and new side by side.

For reviewers without a terminal or Word: every element of the letter in reading
order, unchanged ones greyed, deleted words struck in red on the left, inserted words
underlined in green on the right, words whose look changed outlined with a note
("bỏ đậm", "cỡ chữ 14 → 13"). Bold and italic show as bold and italic; text that does not
print (hidden text, a hidden text box) is boxed and hatched, with "ẩn:" before it. No scripts,
no outside files; all text escaped.
"""
from __future__ import annotations

import html

from generator.review.compare import CHANGED, DELETED, INSERTED, Change, Comparison, sub_segments

_CSS = """
body{font-family:"Times New Roman",Tinos,"Liberation Serif",serif;margin:1.5em;color:#111;background:#fff}
h1{font-size:1.4em;margin:0 0 .3em}
.files,.summary{margin:.2em 0}
.summary{font-weight:bold}
.legend span{margin-right:1.2em}
table{border-collapse:collapse;width:100%;margin-top:1em;table-layout:fixed}
th,td{border:1px solid #ccc;padding:.35em .5em;vertical-align:top;text-align:left;white-space:pre-wrap;word-wrap:break-word}
thead th{background:#f0f0f0}
col.label{width:11em}
tr.equal td,tr.equal th{color:#777}
tr.changed th{border-left:4px solid #c90}
tr.inserted th{border-left:4px solid #2a2}
tr.deleted th{border-left:4px solid #c22}
del{background:#fdd;color:#900;text-decoration:line-through}
ins{background:#dfd;color:#060;text-decoration:underline}
.fmt{outline:1px dashed #a0a;background:#f7e8ff}
.note{color:#808;font-size:.85em;font-style:normal;font-weight:normal}
.empty{background:#fafafa}
.an{border:1px dotted #777;color:#555;background:repeating-linear-gradient(45deg,#fff,#fff 4px,#eee 4px,#eee 8px)}
.an .tag{font-size:.8em;font-weight:normal;font-style:normal;color:#555}
"""


def _segments_html(segments) -> str:
    out = []
    for seg in segments:
        text = html.escape(seg.text)
        if seg.bold:
            text = f"<strong>{text}</strong>"
        if seg.italic:
            text = f"<em>{text}</em>"
        if seg.hidden and seg.text.strip():
            lead, core, trail = _spaces_apart(text)
            text = f'{lead}<span class="an" title="chữ ẩn, không in ra"><span class="tag">ẩn:</span> {core}</span>{trail}'
        out.append(text)
    return "".join(out)


def _spaces_apart(text: str) -> tuple[str, str, str]:
    core = text.strip()
    lead = text[: len(text) - len(text.lstrip())]
    return lead, core, text[len(lead) + len(core):]


def _range_html(el, start: int, end: int) -> str:
    return _segments_html(sub_segments(el, start, end))


def _sides(change: Change) -> tuple[str, str]:
    if change.kind == INSERTED:
        return "", f"<ins>{_segments_html(change.new.segments)}</ins>"
    if change.kind == DELETED:
        return f"<del>{_segments_html(change.old.segments)}</del>", ""
    left, right = [], []
    for op in change.ops:
        if op.kind == "equal":
            left.append(_range_html(change.old, *op.old))
            right.append(_range_html(change.new, *op.new))
        elif op.kind == "delete":
            left.append(f"<del>{_range_html(change.old, *op.old)}</del>")
        elif op.kind == "insert":
            right.append(f"<ins>{_range_html(change.new, *op.new)}</ins>")
        else:
            note = html.escape(op.note)
            left.append(f'<span class="fmt" title="{note}">{_range_html(change.old, *op.old)}</span>')
            right.append(
                f'<span class="fmt" title="{note}">{_range_html(change.new, *op.new)}</span>'
                f'<span class="note"> ({note})</span>'
            )
    return "".join(left), "".join(right)


_ROW_TITLE = {"equal": "không đổi", CHANGED: "đã sửa", INSERTED: "thêm mới", DELETED: "bị xoá"}


def render(comparison: Comparison) -> str:
    rows = []
    for change in comparison.changes:
        left, right = _sides(change)
        label = html.escape(change.label)
        if change.relabelled:
            label += f'<br><span class="note">(trước là: {html.escape(change.old.label)})</span>'
        if change.hidden_only:
            label += '<br><span class="note">(chỉ khác ở chữ ẩn, không in ra)</span>'
        status = _ROW_TITLE[change.kind]
        rows.append(
            f'<tr class="{change.kind}" title="{status}"><th scope="row">{label}</th>'
            f'<td class="{"" if left else "empty"}">{left}</td><td class="{"" if right else "empty"}">{right}</td></tr>'
        )
    old_name = html.escape(comparison.old_name)
    new_name = html.escape(comparison.new_name)
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>So sánh công văn: {old_name} → {new_name}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>So sánh hai bản công văn</h1>
<p class="files">Bản cũ: <code>{old_name}</code><br>Bản mới: <code>{new_name}</code></p>
<p class="summary">{html.escape(comparison.summary())}</p>
<p class="legend"><span><del>chữ bị xoá</del></span><span><ins>chữ thêm mới</ins></span><span><span class="fmt">chữ đổi định dạng</span></span><span><span class="an"><span class="tag">ẩn:</span> chữ ẩn, không in ra</span></span></p>
<table>
<colgroup><col class="label"><col><col></colgroup>
<thead><tr><th scope="col">Phần</th><th scope="col">Bản cũ</th><th scope="col">Bản mới</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</body>
</html>
"""
