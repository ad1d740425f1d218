"""Releases of the open directory (开放目录) and the resource directory (资源目录).

The tech bureau compiles a draft release from the live directory, sees the
diff against the last published release, sends it through confidentiality
review and publishes it as a dated, numbered, immutable release
(CD-TD Art. 7, 11, 24; CD-PD Art. 40; LZ Art. 22-23).
"""
