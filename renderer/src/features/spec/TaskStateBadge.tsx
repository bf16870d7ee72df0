import { useAppStore } from '../../stores/app-store';
import { taskStateMark } from '../verify/verdict-marks';
import { isRedTaskState } from './coverage-model';

/**
 * A task's verification state from evidence (the Calibrator's `verify.taskStates`): shape and word,
 * red for refuted, untrusted and failing. `full` adds the reason in words (task detail); otherwise
 * the short word shows and the reason is in the tooltip (board cards, list rows). Nothing for a task
 * without evidence, unless `full`.
 */
export function TaskStateBadge({ taskId, full = false }: { readonly taskId: string; readonly full?: boolean }) {
  const state = useAppStore((s) => s.taskStates.find((t) => t.taskId === taskId));
  if (!state || (state.state === 'unverified' && !full)) return full ? <span className="muted">? no evidence yet</span> : null;
  const m = taskStateMark(state);
  const short = m.word.split(' — ')[0];
  return (
    <span className={`task-state ${m.tone}`} data-testid={`task-state-${taskId}`} data-state={state.state} title={state.reason ? `${m.word}: ${state.reason}` : m.word}>
      <span aria-hidden="true">{m.symbol}</span> {full ? m.word : short}
      {full && state.reason && <span className="task-state-reason"> — {state.reason}</span>}
    </span>
  );
}

/** Whether a task's state is red (refuted, untrusted or failing), for the card's border. */
export function useTaskRed(taskId: string): boolean {
  return useAppStore((s) => isRedTaskState(s.taskStates.find((t) => t.taskId === taskId)?.state));
}
