"""The tech-data resource directory and open directory (CD-TD Art. 7, 11, 19; CD-PD Art. 12-14, 31-33)."""
