"""cleanclaim plugin for pelvic floor care (source ``urology``, rule prefix ``URO``).

It teaches the kernel the pelvic floor procedures (sphincter EMG, pelvic floor
biofeedback, anorectal manometry, pelvic floor therapy lines), the diagnoses that support
them, and three rules: an add-on code billed without its primary (URO101), a procedure
code used outside the dates it exists (URO102) and contractor frequency limits (URO103).
Every policy fact lives in ``data/*.toml`` with its source and dates.
"""

__version__ = "0.1.0"
