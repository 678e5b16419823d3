# ruff: noqa: E501
"""The sha256 of every packaged dataset's manifest.json and of the codes' history
across them (written by ``cleanclaim-refdata build``; do not edit): the kernel
refuses a packaged manifest or history whose bytes differ."""

MANIFEST_SHA256: dict[str, str] = {
    "icd10cm-fy2021": "4e437793c6818f77aa430165ae9665ab35f8292ed51e940ddc3b3be403abb20b",
    "icd10cm-fy2023": "d8c34dda355a12312d7a4830eea6c7ac9568497579180c06b5e61d3fae213b37",
    "icd10cm-fy2025-april": "5b3de951104369711503bb323386e0004efefa7bab7441119413de2b07f8caf6",
    "icd10cm-fy2026-april": "e6222d593df37723754cd281044f9520b189ff5ea3652e783b472e2d1381a250",
    "icd10cm-fy2027-provisional": "9213e4e7112871f04e80c0795536fc6c2338ef6c0e8faee4b8f2faada4dc94a8",
}

HISTORY_SHA256 = "f3fb31a99326d1cb60c5cd0252bca1d3e1a712be339d936adbd76e77c3822c86"
