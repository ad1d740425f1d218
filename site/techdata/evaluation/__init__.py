"""Evaluation and statistics (考核, issue 19): indicators, their computation, summaries.

``indicators.py`` defines each indicator once; ``compute.py`` turns the
platform's tables into facts and summaries; ``service.py`` is the
:class:`~techdata.evaluation.service.EvaluationService` behind
:data:`~techdata.evaluation.proxies.current_evaluation_service`;
``resources.py`` the REST API ``/api/evaluation/...``; ``tasks.py`` the
scheduled recomputation (CD-TD Art. 26; CD-PD Art. 41; QY Art. 31-32; LZ Art. 39).
"""
