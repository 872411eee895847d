"""What becomes of an article after it is archived (SPEC, third round): rechecks on a
decaying schedule (plan.py), what each answer says (classify.py), the checks of a run
(checking.py), each article's status from its checks (status.py, settle.py), the checks again
from the WARC files (rebuild.py) and what an edit changed (diff.py).
"""
