"""Vietnamese readings of pydantic's validation errors (shared by every input model)."""
from __future__ import annotations

from typing import Callable

from generator.vi.suggest import closest

MESSAGES = {
    "missing": "thiếu trường bắt buộc",
    "string_type": "phải là chữ (đặt trong ngoặc kép nếu cần)",
    "string_too_short": "không được để trống",
    "int_type": "phải là một số nguyên",
    "int_parsing": "phải là một số nguyên",
    "int_from_float": "phải là một số nguyên",
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
    "list_type": "phải là một danh sách (mỗi mục một dòng bắt đầu bằng «- »)",
    "too_short": "không được để trống",
    "dict_type": "phải là một nhóm trường (khoá: giá trị)",
    "model_type": "phải là một nhóm trường (khoá: giá trị)",
    "model_attributes_type": "phải là một nhóm trường (khoá: giá trị)",
    "none_required": "phải để trống",
}


def translate(error: dict, field_names: Callable[[tuple], list[str]]) -> str:
    """One pydantic error as a Vietnamese sentence; ``field_names(loc)`` lists the keys valid at ``loc``."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        key = str(error["loc"][-1])
        if key in ("False", "True"):
            return "YAML đọc khoá «no» (cũng như yes, on, off) thành giá trị đúng/sai; hãy đổi tên khoá"
        choices = field_names(tuple(error["loc"]))
        guess = closest(key, choices)
        hint = f"; có phải ý bạn là «{guess}»?" if guess else f"; các trường hợp lệ: {', '.join(choices)}"
        return f"không có trường «{key}»{hint}"
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", error["msg"]))
    if kind in ("int_type", "int_parsing") and isinstance(error.get("input"), bool):
        return "phải là một số nguyên (YAML đọc no/yes/on/off thành đúng/sai)"
    if kind in MESSAGES:
        try:
            return MESSAGES[kind].format(**ctx)
        except (KeyError, IndexError):
            return MESSAGES[kind]
    return f"giá trị không hợp lệ ({error['msg']})"
