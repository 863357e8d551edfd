"""The merge engine: the op wire format, documents, the merge rules, workflow, the op log."""
