"""Vietnamese readings of pydantic's validation error types (shared by every input model)."""

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
