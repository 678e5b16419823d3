# ruff: noqa: E501
"""The sha256 of every packaged dataset's manifest.json and of the codes' history
across them (written by ``cleanclaim-refdata build``; do not edit): the kernel
refuses a packaged manifest or history whose bytes differ."""

MANIFEST_SHA256: dict[str, str] = {
    "icd10cm-fy2021": "a3d0297cd33ffd52719ed81a83d0a96142dc4b2826b6116d7b7e34aefe95e61f",
    "icd10cm-fy2023": "396a852e8ee6cfa4440f28c71deef9b91921de7d4b8d02462748ba2073c90d76",
    "icd10cm-fy2025-april": "c9fabacafeaa66b8431d45d5add52899077840a851b86bd0408c9f1b32bcae12",
    "icd10cm-fy2026-april": "0608a3afdaf8fbcd5fe810102b542aad9d627dab38ab13b6c7b476648b18d89a",
    "icd10cm-fy2027-provisional": "eb3dd5b07891c21e24119a639d0e9f4a61ddb29387f4aea1caf30ca430d67cef",
}

HISTORY_SHA256 = "f3fb31a99326d1cb60c5cd0252bca1d3e1a712be339d936adbd76e77c3822c86"
