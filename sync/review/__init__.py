"""What supervisors read and do: views, the queue, conflicts, findings, actions, plans, reports."""
