/** The Orchestrator pane: the spec, the decision log and the task list. */
export function OrchestratorPane() {
  return <div className="empty">The spec, decisions and tasks of this project live in <code>.plumbline/</code>.</div>;
}
