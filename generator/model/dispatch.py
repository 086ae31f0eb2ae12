"""The input of one document (a công văn by default, or any type of ``data/document_types.yaml``), validated.

Keys are the decree's own Vietnamese terms in ASCII snake_case (the aliases);
attributes are English. ``Dispatch.model_json_schema(by_alias=True)`` is the
published JSON Schema (``schema/dispatch.schema.json``).

``loai`` (the type, read through ``generator/doctypes.py``) is validated first, so the
fields after it are checked against it, each error at its own line: the ký hiệu begins
with the type's abbreviation of Phụ lục III (a công văn's with none of them), ``kinh_gui``
only on the types that may carry it, the body's heading levels only on a typed document.
"""
# No ``from __future__ import annotations`` here: pydantic compiled each field's annotation text again (a
# ``typing.ForwardRef``) to build the models, a few milliseconds of every start-up.

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from generator import doctypes
from generator.assessments.results import ASSESSMENT_KINDS, AssessmentsInput
from generator.vi.dates import IssueDate
from generator.model.base import InputModel, Text, empty_list



def _lines(value: Any) -> Any:
    """A string or a list of strings -> list of non-empty lines."""
    if isinstance(value, str):
        return [line.strip() for line in value.split("\n") if line.strip()]
    return value


Lines = Annotated[
    list[Text],
    BeforeValidator(_lines),
    Field(min_length=1),
    WithJsonSchema(
        {"oneOf": [{"type": "string", "minLength": 1}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]}
    ),
]

AUTHORITY_PREFIXES = ("TM.", "KT.", "Q.", "TL.", "TUQ.")
URGENCY_MARKS = {"KHẨN": "KHẨN", "THƯỢNG KHẨN": "THƯỢNG KHẨN", "HỎA TỐC": "HỎA TỐC", "HOẢ TỐC": "HỎA TỐC"}
BLOCK_KINDS = ("muc", "gach", "can_cu", "de_nghi")
# Headings at the decree's levels (PL I §II.6.đ, Mẫu chữ rows 6a-6b) and the levels of a Kế hoạch or
# Báo cáo; the clerk writes the level and the title, dispatch writes the number (wording/headings.py).
HEADING_LEVELS = ("phan", "chuong", "la_ma", "so", "chu", "dieu")
_KEYED_KINDS = frozenset(BLOCK_KINDS + HEADING_LEVELS + ASSESSMENT_KINDS)  # a body item's one key: its kind
# what a clerk may have typed before the title, which dispatch writes itself
_TYPED_NUMBER = {
    "phan": re.compile(r"^\s*phần\s+(thứ\s+\w+|[IVXLC]+\b|\d+)", re.IGNORECASE),
    "chuong": re.compile(r"^\s*chương\s+([IVXLC]+\b|\d+)", re.IGNORECASE),
    "la_ma": re.compile(r"^\s*[IVXLC]+\s*[.)]\s"),
    "so": re.compile(r"^\s*\d+\s*[.)]\s"),
    "chu": re.compile(r"^\s*[a-zđ]\s*\)\s"),
    "dieu": re.compile(r"^\s*điều\s+\d+", re.IGNORECASE),
}




def _doc_type(value: Any) -> Any:
    """``loai``: a key of ``data/document_types.yaml``; a type's name (``Kế hoạch``) is answered with its key."""
    types = doctypes.document_types()
    if isinstance(value, str) and value.strip() in types:
        return value.strip()
    named = None
    if isinstance(value, str):
        wanted = " ".join(value.split()).casefold()
        named = next((t.key for t in types.values() if t.name.casefold() == wanted), None)
    hint = f"viết «{named}»; " if named else ""
    raise ValueError(f"loại văn bản «{value}» không có: {hint}các loại hợp lệ: {', '.join(types)}")


def symbol_problem(doc_type: str, symbol: str) -> str | None:
    """Why ``symbol`` contradicts ``doc_type`` (Phụ lục III: a typed document's ký hiệu begins with the
    abbreviation of its type, case kept; a công văn has none), or None when it agrees."""
    types = doctypes.document_types()
    own = types[doc_type]
    first, _, rest = symbol.partition("-")
    other = doctypes.by_abbreviation(first)
    if own.abbreviation is None:
        if other is None:
            return None
        fixed = rest or "UBND"
        return (f"ký hiệu «{symbol}» bắt đầu bằng «{first}», chữ viết tắt của {other.name.lower()} (Phụ lục III, "
                f"Nghị định 30/2020), nhưng văn bản là công văn, không có chữ viết tắt tên loại: viết «{fixed}»; "
                f"nếu đây là {other.name.lower()}, thêm «loai: {other.key}»")
    if first == own.abbreviation:
        return None
    if first.casefold() == own.abbreviation.casefold() or other is not None:
        fixed = f"{own.abbreviation}-{rest}" if rest else own.abbreviation
    else:
        fixed = f"{own.abbreviation}-{symbol}"
    said = f", chữ viết tắt của {other.name.lower()}" if other is not None and other.key != own.key else ""
    return (f"ký hiệu «{symbol}» của {own.name.lower()} phải bắt đầu bằng «{own.abbreviation}», chữ viết tắt tên "
            f"loại (Phụ lục III, Nghị định 30/2020, giữ đúng chữ hoa, chữ thường), không phải «{first}»{said}: "
            f"viết «{fixed}»")


def _document_number(value: Any) -> Any:
    """``so``: a whole number as typed (``32``, or ``"032"``). ``true`` (YAML's yes/on), ``3.5`` or ``"3a"`` are
    refused: pydantic would have printed true as «Số: 01» and 3.0 as «Số: 03»."""
    if isinstance(value, bool):
        raise ValueError("số văn bản phải là một số nguyên, ví dụ 32 (YAML đọc true/false, yes/no, on/off thành "
                         "đúng/sai); bỏ trống khi chờ cấp số")
    if isinstance(value, float):
        raise ValueError(f"số văn bản phải là một số nguyên, ví dụ 32, không phải «{value}»")
    if isinstance(value, str):
        if not re.fullmatch(r"[0-9]+", value.strip()):
            raise ValueError(f"số văn bản phải là một số nguyên, ví dụ 32, không phải «{value}»")
        return int(value.strip())
    return value


def _annex_list(value: Any) -> Any:
    """``phu_luc``: one annex (``true``, a title, a mapping) or a list of them -> a list (None: no annex)."""
    if value is None or isinstance(value, list):
        if value == []:
            raise ValueError("danh sách phụ lục trống: bỏ khoá «phu_luc» hoặc ghi ít nhất một phụ lục")
        return value
    return [value]


class Block(InputModel):
    """One block of the body: a paragraph, a section heading, a dashed item or căn cứ lines."""

    kind: Literal["doan", "muc", "gach", "can_cu", "de_nghi", "ket_qua", "chua_dat", "sut_giam", "tham_dinh", "phan_cong",
                  "tong_hop", "phan", "chuong", "la_ma", "so", "chu", "dieu"]
    lines: list[Text]

    @model_validator(mode="after")
    def _no_typed_number(self) -> "Block":
        pattern = _TYPED_NUMBER.get(self.kind)
        for line in self.lines if pattern is not None else ():
            found = pattern.match(line)
            if found:
                raise ValueError(
                    f"«{self.kind}» tự đánh số: đừng gõ «{found.group(0).strip()}» ở đầu «{line[:40]}», chỉ gõ tên "
                    "đề mục (dispatch viết số theo thứ tự)")
        return self

    @model_validator(mode="before")
    @classmethod
    def _from_yaml(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"kind": "doan", "lines": [value]}
        if isinstance(value, dict) and set(value) <= {"kind", "lines"}:
            return value
        if isinstance(value, dict) and len(value) == 1:
            key, text = next(iter(value.items()))
            if key in _KEYED_KINDS:
                return {"kind": key, "lines": text if isinstance(text, list) else [text]}
        raise ValueError(
            "mỗi mục của nội dung là một đoạn văn (chuỗi) hoặc có đúng một khoá: "
            "«muc» (đề mục), «gach» (gạch đầu dòng), «can_cu» (danh sách căn cứ), «de_nghi» (quyết định: theo đề nghị của ai), đề mục theo cấp của văn bản có "
            "tên loại: «phan», «chuong», «la_ma» (I.), «so» (1.), «chu» (a)), «dieu» (Điều 1.), hoặc câu viết từ "
            "đánh giá: «ket_qua», «chua_dat», «sut_giam», «tham_dinh», «phan_cong», «tong_hop» (danh sách xã hoặc tat_ca)"
        )


BlockSchema = Annotated[
    Block,
    WithJsonSchema(
        {
            "oneOf": [
                {"type": "string", "minLength": 1, "description": "Một đoạn văn; **đậm**, *nghiêng*"},
                {
                    "type": "object",
                    "properties": {"muc": {"type": "string", "description": "Đề mục, ví dụ «1. Ủy ban nhân dân các xã»"}},
                    "required": ["muc"],
                    "additionalProperties": False,
                },
                {
                    "type": "object",
                    "properties": {"gach": {"type": "string", "description": "Ý gạch đầu dòng (không gõ dấu -)"}},
                    "required": ["gach"],
                    "additionalProperties": False,
                },
                *[
                    {
                        "type": "object",
                        "properties": {level: {"type": "string", "minLength": 1, "description": description}},
                        "required": [level],
                        "additionalProperties": False,
                    }
                    for level, description in (
                        ("phan", "Phần (văn bản có tên loại): tên phần; in «Phần I» rồi tên in hoa, đậm, giữa dòng"),
                        ("chuong", "Chương: tên chương; in «Chương I» rồi tên in hoa, đậm, giữa dòng"),
                        ("la_ma", "Đề mục cấp I., II. (in hoa, đậm); chỉ gõ tên, số tự đánh"),
                        ("so", "Đề mục cấp 1., 2. (đậm); chỉ gõ tên, số tự đánh"),
                        ("chu", "Đề mục cấp a), b) (chữ thường); chỉ gõ tên, chữ tự đánh"),
                        ("dieu", "Điều: tên điều; in «Điều 1. …» đậm; số điều tự đánh"),
                    )
                ],
                *[
                    {
                        "type": "object",
                        "properties": {
                            kind: {
                                "oneOf": [
                                    {"const": "tat_ca"},
                                    {"type": "string"},
                                    {"type": "array", "items": {"type": "string"}},
                                ],
                                "description": description,
                            }
                        },
                        "required": [kind],
                        "additionalProperties": False,
                    }
                    for kind, description in (
                        ("ket_qua", "Mỗi xã một ý: đạt N/M tiêu chí gồm …"),
                        ("chua_dat", "Mỗi xã một ý: các tiêu chí chưa đạt"),
                        ("sut_giam", "Mỗi xã một ý: các tiêu chí bị sụt giảm so với lần đánh giá trước"),
                        ("tham_dinh", "Mỗi xã một ý: kết quả thẩm định tiêu chí, chỉ tiêu"),
                        ("phan_cong", "Thư nhắc hàng loạt: mỗi tiêu chí chưa đạt một ý, với đơn vị phụ trách và hạn"),
                        ("tong_hop", "Một đoạn tổng hợp các xã: bao nhiêu xã đạt đủ tiêu chí, xã nào còn thiếu"),
                    )
                ],
                {
                    "type": "object",
                    "properties": {"de_nghi": {
                        "type": "string", "minLength": 1,
                        "description": "Quyết định: cơ quan, người đề nghị, in «Theo đề nghị của …» sau các căn cứ",
                    }},
                    "required": ["de_nghi"],
                    "additionalProperties": False,
                },
                {
                    "type": "object",
                    "properties": {
                        "can_cu": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "Các căn cứ, mỗi căn cứ một dòng (không gõ ; hoặc . ở cuối)",
                        }
                    },
                    "required": ["can_cu"],
                    "additionalProperties": False,
                },
            ]
        }
    ),
]


class Signer(InputModel):
    """Ô 7a-7c: quyền hạn, chức vụ, họ tên người ký."""

    authority: str | None = Field(
        None,
        alias="quyen_han",
        description="Quyền hạn ký: TM., KT., Q., TL., TUQ. (bỏ trống nếu ký trực tiếp)",
        json_schema_extra={"examples": list(AUTHORITY_PREFIXES)},
    )
    titles: Lines = Field(
        alias="chuc_vu",
        description="Các dòng chức vụ; dòng đầu đứng sau quyền hạn. Ví dụ KT.: [CHỦ TỊCH, PHÓ CHỦ TỊCH]",
    )
    name: Text = Field(alias="ho_ten", description="Họ và tên người ký (không ghi học hàm, học vị)")

    @field_validator("authority", mode="before")
    @classmethod
    def _authority(cls, value: Any) -> Any:
        if value is None or not isinstance(value, str):
            return value
        if not value.strip():
            return None
        prefix = value.strip().upper().rstrip(".") + "."
        if prefix not in AUTHORITY_PREFIXES:
            raise ValueError(f"quyền hạn ký «{value}» không có trong Nghị định 30: chỉ dùng {', '.join(AUTHORITY_PREFIXES)}")
        return prefix

    @model_validator(mode="after")
    def _two_lines_when_signing_for_someone(self) -> "Signer":
        if self.authority in ("TM.", "KT.", "TL.", "TUQ.") and len(self.titles) < 2:
            raise ValueError(
                f"ký «{self.authority}» cần ít nhất hai dòng chức vụ: dòng đầu là tập thể hoặc người đứng đầu "
                f"(ví dụ «{self.authority} CHỦ TỊCH»), dòng sau là chức vụ của người ký"
            )
        return self


class Dispatch(InputModel):
    """Một công văn (Mẫu 1.5, Phụ lục III, Nghị định 30/2020/NĐ-CP)."""

    model_config = ConfigDict(  # merged with InputModel's
        title="Công văn (dispatch)",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    template: str | None = Field(
        None, alias="mau", description="Tệp mẫu Word (.docx) thay cho mẫu mặc định; đường dẫn tính từ tệp YAML"
    )
    # validated before every field that depends on it (pydantic validates in this order)
    doc_type: Annotated[
        str,
        BeforeValidator(_doc_type),
        WithJsonSchema({
            "enum": list(doctypes.document_types()),
            "default": doctypes.DEFAULT,
            "description": "Loại văn bản (Phụ lục III, Nghị định 30/2020): " + ", ".join(
                f"{t.key} ({t.name})" for t in doctypes.document_types().values()),
        }),
    ] = Field(doctypes.DEFAULT, alias="loai")
    parent_organ: Lines | None = Field(
        None, alias="co_quan_chu_quan", description="Tên cơ quan, tổ chức chủ quản trực tiếp (nếu có); mỗi dòng một mục"
    )
    issuing_organ: Lines = Field(
        alias="co_quan_ban_hanh", description="Tên cơ quan, tổ chức ban hành; tên dài có thể chia nhiều dòng"
    )
    number: Annotated[int | None, BeforeValidator(_document_number)] = Field(
        None, alias="so", ge=1, le=999999, description="Số văn bản; bỏ trống khi dự thảo chờ cấp số"
    )
    symbol: Text = Field(alias="ky_hieu", description="Ký hiệu sau dấu /, ví dụ UBND-NN")
    place: Text = Field(alias="dia_danh", description="Địa danh, ví dụ Lạng Sơn")
    date: Annotated[
        IssueDate,
        BeforeValidator(IssueDate.parse),
        WithJsonSchema(
            {
                "oneOf": [
                    {"type": "string", "format": "date"},
                    {"type": "string", "pattern": r"^\s*(\d{1,2}/)?(\d{1,2}/)?\d{4}\s*$"},
                    {"type": "integer"},
                ],
                "description": "Ngày ban hành: 08/3/2018 hoặc 2018-03-08; 9/2024 để trống ngày; 2024 để trống ngày và tháng",
            }
        ),
    ] = Field(alias="ngay")
    subject: Text = Field(
        alias="trich_yeu", description="Trích yếu nội dung, không gõ «V/v»; xuống dòng bằng ký tự xuống dòng"
    )
    recipients: Lines | None = Field(
        None,
        alias="kinh_gui",
        description="Kính gửi: một nơi (chuỗi) hoặc danh sách; không gõ «-», «;» hay «.» ở đầu/cuối",
    )
    authority_line: Text | None = Field(
        None, alias="tham_quyen",
        description="Quyết định: thẩm quyền ban hành, in hoa, giữa dòng, ví dụ «CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG "
                    "SƠN»; bỏ trống: ký TM. thì là tên cơ quan ban hành, ký khác thì là chức vụ đầu tiên + tên cơ quan")
    body: list[BlockSchema] = Field(alias="noi_dung", min_length=1, description="Nội dung công văn, theo thứ tự")
    signer: Signer = Field(alias="nguoi_ky")
    copies_to: list[Text] = Field(
        default_factory=empty_list,
        alias="noi_nhan",
        description="Nơi nhận khác (không gõ «Như trên» và dòng «Lưu»; chúng được thêm tự động)",
    )
    archive: Text = Field("VT", alias="luu", description="Phần sau «Lưu:», ví dụ «VT, NN»")
    urgency: str | None = Field(
        None,
        alias="do_khan",
        description="Độ khẩn: KHẨN, THƯỢNG KHẨN hoặc HỎA TỐC",
        json_schema_extra={"examples": ["KHẨN", "THƯỢNG KHẨN", "HỎA TỐC"]},
    )
    circulation: Text | None = Field(
        None, alias="pham_vi_luu_hanh", description="Chỉ dẫn phạm vi lưu hành, ví dụ LƯU HÀNH NỘI BỘ"
    )
    address: Text | None = Field(
        None, alias="dia_chi", description="Địa chỉ, điện thoại, thư điện tử, website (ô 13, cuối trang đầu)"
    )
    assessments: AssessmentsInput | None = Field(
        None, alias="danh_gia", description="Kết quả đánh giá tiêu chí của các xã (viết câu, danh sách, phụ lục từ đây)"
    )
    attached: "AttachedInput | None" = Field(
        None, alias="kem_theo",
        description="Quyết định ban hành, phê duyệt một văn bản (Mẫu 1.3): văn bản kèm theo (Quy chế, Quy định, …) "
                    "in sau chữ ký, từ trang mới")
    annex: Annotated[
        "AnnexInput | list[AnnexInput] | None", AfterValidator(_annex_list)
    ] = Field(
        None, alias="phu_luc",
        description="Phụ lục bảng đánh giá các xã kèm theo văn bản: một phụ lục, hoặc danh sách phụ lục (đánh số "
                    "Phụ lục I, II, …)")

    @field_validator("symbol")
    @classmethod
    def _symbol(cls, value: str, info: ValidationInfo) -> str:
        if not re.fullmatch(r"[^\s/\-]+(-[^\s/\-]+)*", value):
            raise ValueError(
                f"ký hiệu «{value}» không đúng dạng: các nhóm chữ viết tắt nối bằng «-», không có dấu cách hay «/» "
                "(ví dụ UBND-NN)"
            )
        doc_type = info.data.get("doc_type")
        problem = symbol_problem(doc_type, value) if doc_type else None
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("recipients")
    @classmethod
    def _recipients(cls, value: Any, info: ValidationInfo) -> Any:
        doc_type = info.data.get("doc_type")
        if value and doc_type and not doctypes.document_types()[doc_type].may_address:
            name = doctypes.document_types()[doc_type].name.lower()
            raise ValueError(
                f"{name} không có «Kính gửi» (Nghị định 30/2020, Phụ lục I §II.9.b: chỉ công văn, tờ trình và báo "
                f"cáo gửi cấp trên có «Kính gửi»): bỏ «kinh_gui» và ghi các nơi nhận vào «noi_nhan»")
        return value

    @field_validator("body")
    @classmethod
    def _levels_need_a_type(cls, value: list, info: ValidationInfo) -> list:
        doc_type = info.data.get("doc_type")
        if doc_type and doctypes.document_types()[doc_type].abbreviation is None:
            for n, block in enumerate(value, 1):
                if block.kind in HEADING_LEVELS:
                    raise ValueError(
                        f"mục thứ {n} của nội dung là đề mục «{block.kind}», chỉ có trong văn bản có tên loại "
                        "(«loai: ke_hoach», «bao_cao», …): trong công văn, viết đề mục bằng «muc», ví dụ "
                        "«muc: 1. Kết quả thực hiện»")
        return value

    @property
    def type_info(self) -> doctypes.DocumentType:
        """The document type (``loai``) as the data describes it."""
        return doctypes.document_types()[self.doc_type]

    @field_validator("subject")
    @classmethod
    def _subject(cls, value: str, info: ValidationInfo) -> str:
        doc_type = info.data.get("doc_type", doctypes.DEFAULT)
        if doctypes.document_types()[doc_type].abbreviation is None:  # công văn: "V/v" is printed before it
            value = re.sub(r"^\s*(V/v|v/v|V/V|Về việc)\s*", "", value)
        else:
            # a typed document (Mẫu 1.4): no "V/v" (công văn only, §II.5.b); "Về việc …" is kept; first letter capital
            value = re.sub(r"^\s*(V/v|v/v|V/V)\s*", "", value)
            value = value[:1].upper() + value[1:]
        if not value:
            raise ValueError("trích yếu không được để trống")
        return value

    @field_validator("urgency", mode="before")
    @classmethod
    def _urgency(cls, value: Any) -> Any:
        if value is None or not isinstance(value, str) or not value.strip():
            return None
        mark = URGENCY_MARKS.get(" ".join(value.upper().split()))
        if mark is None:
            raise ValueError(f"độ khẩn «{value}» không hợp lệ: chỉ dùng KHẨN, THƯỢNG KHẨN hoặc HỎA TỐC")
        return mark


class AttachedInput(InputModel):
    """Mẫu 1.3: the text a Quyết định promulgates or approves, printed after its signature."""

    doc_type: Annotated[str, BeforeValidator(_doc_type)] = Field(
        alias="loai", description="Loại văn bản kèm theo: quy_che, quy_dinh, ke_hoach, chuong_trinh, de_an, …",
        json_schema_extra={"examples": ["quy_che", "quy_dinh"]})
    subject: Text = Field(alias="trich_yeu", description="Trích yếu của văn bản kèm theo, in đậm dưới tên loại")
    body: list[BlockSchema] = Field(
        alias="noi_dung", min_length=1,
        description="Nội dung văn bản kèm theo: chuong, dieu, đoạn văn … (số chương, số điều đánh từ 1)")
    organ: Text | None = Field(
        None, alias="co_quan",
        description="Người, cơ quan ban hành viết thường trong dòng «(Kèm theo Quyết định số … của …)»; mặc định viết "
                    "từ thẩm quyền ban hành")

    @field_validator("doc_type")
    @classmethod
    def _typed(cls, value: str) -> str:
        doc_type = doctypes.document_types()[value]
        if doc_type.layout != "ten_loai":
            raise ValueError(f"văn bản kèm theo quyết định là văn bản có tên loại (quy_che, quy_dinh, ke_hoach, …), "
                             f"không phải «{value}» ({doc_type.name.lower()})")
        return value

    @field_validator("subject")
    @classmethod
    def _subject(cls, value: str) -> str:
        value = re.sub(r"^\s*(V/v|v/v|V/V)\s*", "", value)
        return value[:1].upper() + value[1:]


def decision_problems(dispatch: "Dispatch") -> list[tuple[tuple, str]]:
    """What a Quyết định's body (Mẫu 1.2, 1.3) must respect, as (YAML path, message) pairs, in order.

    A decision (``loai: quyet_dinh``) has at least one article (``dieu``); before the first article
    only its grounds (``can_cu``) and then one ``de_nghi``; ``de_nghi`` and ``tham_quyen`` belong to a
    decision only. Checked after the model (``model/validate.py``) so each problem has its line.
    """
    problems = []
    deciding = dispatch.type_info.layout == "quyet_dinh"
    if not deciding:
        if dispatch.attached is not None:
            problems.append((("kem_theo",), f"«kem_theo» (văn bản ban hành kèm theo, Mẫu 1.3) chỉ có trong quyết định, "
                                            f"không có trong {dispatch.type_info.name.lower()}"))
        if dispatch.authority_line is not None:
            problems.append((("tham_quyen",), f"«tham_quyen» (thẩm quyền ban hành) chỉ có trong quyết định, không có "
                                              f"trong {dispatch.type_info.name.lower()}: bỏ dòng này, hoặc ghi «loai: "
                                              "quyet_dinh»"))
        problems += [(("noi_dung", i, "de_nghi"), "«de_nghi» (Theo đề nghị của …) chỉ có trong quyết định: viết "
                                                  "thành đoạn văn, hoặc ghi «loai: quyet_dinh»")
                     for i, block in enumerate(dispatch.body) if block.kind == "de_nghi"]
        return problems
    if dispatch.attached is not None:
        problems += [(("kem_theo", "noi_dung", i, block.kind),
                      f"câu viết từ đánh giá («{block.kind}») không dùng trong văn bản kèm theo: viết trong một điều "
                      "của quyết định, hoặc đưa vào phụ lục («phu_luc»)")
                     for i, block in enumerate(dispatch.attached.body) if block.kind in ASSESSMENT_KINDS]
    articles = [i for i, block in enumerate(dispatch.body) if block.kind == "dieu"]
    if not articles:
        return [(("noi_dung",), "quyết định cần ít nhất một điều: viết mỗi điều bằng «dieu», ví dụ «- dieu: Công nhận "
                                "xã … đạt chuẩn nông thôn mới năm 2026.» (dispatch đánh số Điều 1, Điều 2, …)")]
    seen_proposal = None
    for i, block in enumerate(dispatch.body[:articles[0]]):
        if block.kind == "de_nghi":
            if seen_proposal is not None:
                problems.append((("noi_dung", i, "de_nghi"), "quyết định chỉ có một dòng «Theo đề nghị của …»: gộp "
                                                             "các cơ quan đề nghị vào một «de_nghi»"))
            seen_proposal = i
        elif block.kind == "can_cu":
            if seen_proposal is not None:
                problems.append((("noi_dung", i, "can_cu"), "căn cứ đứng trước dòng «Theo đề nghị của …» (Mẫu 1.2): "
                                                            "chuyển «de_nghi» xuống sau các «can_cu»"))
        else:
            problems.append((("noi_dung", i), "trước «Điều 1» quyết định chỉ có căn cứ («can_cu») và «de_nghi»: đưa "
                                              "đoạn này vào một điều («dieu»)"))
    for i, block in enumerate(dispatch.body[articles[0]:], start=articles[0]):
        if block.kind in ("can_cu", "de_nghi"):
            problems.append((("noi_dung", i, block.kind), "căn cứ và «de_nghi» đứng trước «Điều 1», ngay dưới thẩm "
                                                          "quyền ban hành (Mẫu 1.2): chuyển lên trước điều đầu tiên"))
    last = sum(len(dispatch.body[i].lines) for i in articles)
    for j, item in enumerate(dispatch.copies_to):
        typed = re.fullmatch(r"\s*[-–]?\s*như\s+điều\s+(\d+)\s*[;,.]*\s*", item, re.IGNORECASE)
        if typed and int(typed.group(1)) != last:
            problems.append((("noi_nhan", j), f"«{item.strip()}»: điều thi hành là điều cuối, Điều {last}; dispatch tự "
                                              f"ghi «- Như Điều {last};» đầu nơi nhận: bỏ dòng này"))
    return problems


class AnnexInput(InputModel):
    """Phụ lục (PL I §III.1): a table of the communes' assessments, attached with one line of input."""

    title: Text | None = Field(
        None, alias="tieu_de",
        description="Tên phụ lục (mặc định: KẾT QUẢ THỰC HIỆN … với bảng tiêu chí, DANH SÁCH CÁC XÃ ĐẠT CHUẨN … với "
                    "danh sách)")
    table: Literal["tieu_chi", "danh_sach"] = Field(
        "tieu_chi", alias="bang",
        description="tieu_chi: bảng xã × tiêu chí, có dòng tổng; danh_sach: danh sách xã với số tiêu chí đạt (10/10)")
    communes: list[Text] | Literal["tat_ca"] = Field(
        "tat_ca", alias="xa", description="Các xã trong bảng (mặc định tat_ca, theo thứ tự chữ cái)"
    )
    organ: Text | None = Field(
        None, alias="co_quan",
        description="Tên cơ quan ban hành viết thường trong dòng «(Kèm theo Công văn số … ngày … của …)»; mặc định "
                    "viết từ «co_quan_ban_hanh» (Ủy ban nhân dân …, Ban Chỉ đạo …)",
    )

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if value is True or value == "bang_tieu_chi":
            return {}
        if isinstance(value, str):
            return {"tieu_de": value}
        return value


Dispatch.model_rebuild()


def json_schema() -> dict:
    """The JSON Schema of the input, as shipped in ``schema/dispatch.schema.json``."""
    schema = Dispatch.model_json_schema(by_alias=True)
    return schema

