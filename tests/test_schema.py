import json
from pathlib import Path

from generator.model.dispatch import json_schema

ROOT = Path(__file__).resolve().parent.parent


def test_committed_schema_is_generated_from_the_model():
    committed = json.loads((ROOT / "schema" / "dispatch.schema.json").read_text("utf-8"))
    assert committed == json_schema(), "schema/dispatch.schema.json đã cũ: chạy «dispatch schema -o schema/dispatch.schema.json»"


def test_schema_uses_the_decree_terms():
    schema = json_schema()
    assert {"co_quan_ban_hanh", "so", "ky_hieu", "dia_danh", "ngay", "trich_yeu", "kinh_gui", "noi_dung",
            "nguoi_ky", "noi_nhan"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"co_quan_ban_hanh", "ky_hieu", "dia_danh", "ngay", "trich_yeu", "noi_dung",
                                       "nguoi_ky"}
