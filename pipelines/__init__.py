"""Item pipelines: short classes, one concern each, delegating to crawler/ and archive/."""
