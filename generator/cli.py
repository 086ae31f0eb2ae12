"""The ``dispatch`` command. Everything it prints is Vietnamese."""
from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

import click

from . import click_vi
from .exceptions import DispatchError, display_path
from .generate import build_file, default_output
from .model import json_schema
from .output import write_output

click_vi.install()

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _run(action):
    """Run a command body: user errors -> message and their exit code; anything else -> exit 70."""
    try:
        return action()
    except DispatchError as err:
        click.echo(str(err), err=True)
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        click.echo("Đã dừng theo yêu cầu; không tệp nào bị ghi dở.", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug of ours: say so plainly, details only on request
        if os.environ.get("DISPATCH_DEBUG"):
            traceback.print_exc()
        click.echo(
            f"Lỗi nội bộ của dispatch ({type(exc).__name__}: {exc}). Hãy báo lại kèm tệp đầu vào; "
            "đặt DISPATCH_DEBUG=1 để xem chi tiết.",
            err=True,
        )
        sys.exit(70)


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="dispatch", prog_name="dispatch")
def main() -> None:
    """Soạn công văn hành chính (DOCX) đúng thể thức Nghị định 30/2020/NĐ-CP từ tệp YAML."""


@main.command()
@click.argument("input_file", metavar="TỆP_YAML", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), metavar="ĐƯỜNG_DẪN",
              help="Tệp .docx hoặc thư mục để ghi (mặc định: out/<tên tệp>.docx).")
@click.option("--force", is_flag=True, help="Ghi đè cả tệp đã bị sửa tay (bản cũ được lưu thành .bak).")
def build(input_file: Path, output: Path | None, force: bool) -> None:
    """Dựng công văn từ TỆP_YAML."""

    def action():
        built = build_file(input_file)
        result = write_output(default_output(input_file, output), built.docx, force=force)
        note = f" (bản cũ lưu ở {display_path(result.backup)})" if result.backup else ""
        click.echo(f"Đã ghi {display_path(result.path)} [{result.status}]{note}")

    _run(action)


@main.command()
@click.argument("input_file", metavar="TỆP_YAML", type=click.Path(path_type=Path))
def check(input_file: Path) -> None:
    """Kiểm tra TỆP_YAML (và dựng thử trong bộ nhớ) mà không ghi tệp nào."""

    def action():
        built = build_file(input_file)
        click.echo(
            f"Hợp lệ: {display_path(input_file)} — {built.letter.number_line}, {built.letter.title}, "
            f"{len(built.letter.paragraphs)} đoạn nội dung."
        )

    _run(action)


@main.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), metavar="TỆP",
              help="Ghi lược đồ vào TỆP thay vì in ra màn hình.")
def schema(output: Path | None) -> None:
    """In lược đồ JSON Schema của tệp đầu vào (để trình soạn thảo gợi ý và kiểm tra)."""
    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Đã ghi {display_path(output)}")
    else:
        click.echo(text, nl=False)


if __name__ == "__main__":
    main()
