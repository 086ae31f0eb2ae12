"""The review commands: ``dispatch text`` and ``dispatch diff``.

Registered on the main group by ``cli.py`` (``register_review_commands``); they use its
``_run`` so errors print and exit as every other command's do. Either side of a diff may
be a DOCX or an input YAML, which is built in memory.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from generator.review.compare import compare
from generator.exceptions import EXIT_DIFFERENT, InputError, OutputError, Problem, display_path
from generator.review.extract import Extracted, extract
from generator.review.opening import open_docx, read_bytes
from generator.review.text_output import format_text
from generator.load.yaml_source import load_yaml
from generator.pipeline import build_file
from generator.write.output import write_output

YAML_SUFFIXES = (".yaml", ".yml")


def _from_yaml(path: Path, campaign_first: bool) -> bytes:
    """The letter an input YAML makes. A campaign file makes one per commune: ``campaign_first`` takes the
    first (said on stderr); otherwise it is refused, naming the way to see its letters."""
    from generator.bulk.campaign import is_campaign, load_campaign  # lazy: the bulk machinery, for campaigns only
    from generator.bulk.run import first_letter  # lazy: as above

    data, located = load_yaml(path)
    if not is_campaign(data):
        return build_file(path, data, located).docx
    if not campaign_first:
        raise InputError(Problem("đây là tệp chiến dịch (mỗi xã một thư), không phải một công văn; hãy dựng các thư bằng "
                                 "«dispatch build» rồi so sánh từng tệp .docx", display_path(path)))
    name, docx = first_letter(load_campaign(path, data, located))
    click.echo(f"{display_path(path)} là tệp chiến dịch (mỗi xã một thư); đây là thư gửi xã {name}, thư đầu tiên. "
               "Xem mọi thư: «dispatch build» rồi «dispatch text» từng tệp .docx.", err=True)
    return docx


def read_source(path: Path, campaign_first: bool = False) -> tuple[bytes, Extracted]:
    """The DOCX bytes of ``path`` (built from it when it is an input YAML) and its elements."""
    shown = display_path(path)
    if path.suffix.lower() in YAML_SUFFIXES:
        data = _from_yaml(path, campaign_first)
    else:
        data = read_bytes(path, shown)
        if path.suffix.lower() != ".docx" and not data.startswith(b"PK"):
            data = build_file(path).docx  # no suffix we know and not a zip: try it as an input YAML
    return data, extract(open_docx(data, shown), shown)


def _write(path: Path, data: bytes, inputs: list[Path]) -> None:
    for source in inputs:
        try:
            if path.exists() and path.resolve() == source.resolve():
                raise InputError(Problem("tệp ghi ra trùng với một tệp đầu vào; hãy chọn tên khác", display_path(path)))
        except OSError:
            pass
    write_output(path, data)  # the one overwrite rule: a report someone edited is not replaced silently


def _use_color(no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def register_review_commands(main: click.Group, run) -> None:
    @main.command("text")
    @click.argument("input_file", metavar="TỆP", type=click.Path(path_type=Path))
    def text_command(input_file: Path) -> None:
        """In chữ của công văn TỆP (.docx, hoặc .yaml dựng trong bộ nhớ) theo thứ tự đọc.

        Tệp chiến dịch (mỗi xã một thư): in thư đầu tiên theo thứ tự chữ cái, có ghi chú trên stderr.

        Mỗi dòng một phần (cơ quan ban hành, số, ngày, V/v, Kính gửi, từng đoạn nội dung,
        Nơi nhận, chức vụ, người ký…) có nhãn đứng trước; **đậm** và *nghiêng* như cách gõ
        trong tệp YAML. Dùng được làm bộ lọc cho «git diff» (xem docs/review.md).
        """

        def action():
            _, extracted = read_source(input_file, campaign_first=True)
            out = click.get_binary_stream("stdout")
            out.write(format_text(extracted.elements).encode("utf-8"))
            out.flush()

        run(action)

    @main.command("diff")
    @click.argument("old", metavar="BẢN_CŨ", type=click.Path(path_type=Path))
    @click.argument("new", metavar="BẢN_MỚI", type=click.Path(path_type=Path))
    @click.option("--redline", "redline_path", type=click.Path(path_type=Path), metavar="TỆP.docx",
                  help="Ghi BẢN_MỚI kèm các thay đổi được theo dõi (Track Changes) so với BẢN_CŨ.")
    @click.option("--html", "html_path", type=click.Path(path_type=Path), metavar="TỆP.html",
                  help="Ghi trang HTML so sánh hai cột (mở bằng trình duyệt).")
    @click.option("--tac-gia", "author", default="dispatch", show_default=True, metavar="TÊN",
                  help="Tên người sửa ghi vào các thay đổi được theo dõi.")
    @click.option("--no-color", is_flag=True, help="Không tô màu (mặc định chỉ tô khi in ra màn hình).")
    def diff_command(old: Path, new: Path, redline_path: Path | None, html_path: Path | None, author: str,
                     no_color: bool) -> None:
        """So sánh hai bản công văn (.docx hoặc .yaml): chữ thêm, chữ xoá, đổi đậm/nghiêng/cỡ chữ.

        Mã thoát: 0 khi giống nhau, 1 khi khác nhau, 2 khi đầu vào hỏng (như diff).
        """

        def action() -> bool:
            # lazy: only `diff` needs these
            from generator.review import redline as redline
            from generator.review import html as review_html  # lazy
            from generator.review import terminal as review_terminal  # lazy

            # no error has the exit code of "different" (EXIT_DIFFERENT): tests/test_architecture.py
            old_data, old_doc = read_source(old)
            new_data, new_doc = read_source(new)
            comparison = compare(old_doc.elements, new_doc.elements, old_doc.shown, new_doc.shown)
            click.echo(review_terminal.render(comparison, _use_color(no_color)), nl=False,
                       color=_use_color(no_color))
            if html_path is not None:
                _write(html_path, review_html.render(comparison).encode("utf-8"), [old, new])
                click.echo(f"Đã ghi trang so sánh {display_path(html_path)}")
            if redline_path is not None:
                if not author.strip():
                    raise InputError(Problem("tên người sửa (--tac-gia) không được để trống"))
                data, unplaced = redline.redline_with_report(old_doc, new_doc, new_data, author.strip(), comparison)
                _write(redline_path, data, [old, new])
                click.echo(f"Đã ghi bản có theo dõi thay đổi {display_path(redline_path)}")
                if unplaced:
                    click.echo(f"Lưu ý: {unplaced} đoạn bị xoá nằm ở chỗ bản mới không còn (đầu/chân trang, ô bảng) "
                               "nên không hiện trong bản theo dõi thay đổi; xem danh sách ở trên.", err=True)
            return comparison.different

        if run(action):
            sys.exit(EXIT_DIFFERENT)
