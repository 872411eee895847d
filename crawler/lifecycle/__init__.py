"""What becomes of an article after it is archived (issue 28): its versions compared.

Only `diff` is here yet; rechecks, deletions and `history` are not built.
"""
