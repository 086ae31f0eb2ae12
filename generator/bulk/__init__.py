"""Around the pipeline: campaign files and bulk runs (one letter per commune, print file, manifest)."""


def is_campaign(data: object) -> bool:
    """A campaign file (it has ``chien_dich``). Here, not in ``campaign.py``, so that telling a single letter's
    input from a campaign's loads none of the bulk machinery (``dispatch build`` of one letter starts faster)."""
    return isinstance(data, dict) and "chien_dich" in data
