import type { StateCreator } from 'zustand';
import type { CalibrationGroup, CheckResult, EventOf, EvidenceRecord, Review, RunVerification, TaskVerifyState } from '../../../shared/contract';
import type { ApiClient } from '../api/client';
import { currentRoot, messageOf } from './app-slice';
import type { AppState } from './app-store';

/** The Calibrator's tabs. */
export type CalibratorTab = 'evidence' | 'runs' | 'calibration';

/** Which evidence the timeline shows. */
export interface EvidenceFilter {
  readonly text: string;
  readonly result: 'all' | 'bad' | 'good' | 'open';
  readonly kind: 'all' | 'checks' | 'claims' | 'findings';
  /** Only evidence bearing on the shared selection (task or requirement). */
  readonly followSelection: boolean;
  /** Timeline, or grouped per task / per requirement. */
  readonly group: 'time' | 'task' | 'requirement';
}

/** A running or finished "Verify" job. */
export interface VerifyJob {
  readonly jobId: string;
  readonly root: string;
  readonly done: number;
  readonly total: number;
  readonly current: string | null;
  /** Streamed output, tail kept (the full output of each check is in its evidence). */
  readonly output: string;
  readonly finished: boolean;
  readonly cancelled: boolean;
  readonly results: readonly CheckResult[];
}

/** The full output of one evidence record, opened from the timeline. */
export interface OpenOutput {
  readonly id: string;
  readonly title: string;
  readonly text: string;
  readonly found: boolean;
}

/** The project's test command: what is configured (`.plumbline/checks.json`) and what detection finds. */
export interface ChecksConfig {
  readonly configured: string | null;
  readonly detected: { readonly command: string; readonly source: string } | null;
}

/** The Calibrator slice: evidence, verified runs, calibration, reviews and the verify job. */
export interface VerifySlice {
  readonly calTab: CalibratorTab;
  readonly evidence: readonly EvidenceRecord[];
  readonly supersededIds: readonly string[];
  readonly calLoading: boolean;
  readonly calError: string | null;
  readonly verifiedRuns: readonly RunVerification[];
  readonly calibration: readonly CalibrationGroup[];
  readonly taskStates: readonly TaskVerifyState[];
  readonly reviews: readonly Review[];
  readonly evidenceFilter: EvidenceFilter;
  readonly verifyJob: VerifyJob | null;
  readonly openOutput: OpenOutput | null;
  /** Claims being re-run or ruled on, as `runId#index`. */
  readonly claimBusy: readonly string[];
  /** Null until loaded for the open project. */
  readonly checksConfig: ChecksConfig | null;
  /** Clears the Calibrator state and loads it for the open project (called when the project changes). */
  loadCalibrator(): Promise<void>;
  refreshCalibrator(): Promise<void>;
  setCalTab(tab: CalibratorTab): void;
  setEvidenceFilter(patch: Partial<EvidenceFilter>): void;
  startVerify(taskId?: string): Promise<void>;
  cancelVerify(): Promise<void>;
  onVerifyProgress(e: EventOf<'verify.didProgress'>): void;
  onVerifyOutput(e: EventOf<'verify.didOutput'>): void;
  onVerifyFinish(e: EventOf<'verify.didFinish'>): void;
  onRunVerified(e: EventOf<'verify.didVerifyRun'>): void;
  onReview(e: EventOf<'verify.didReview'>): void;
  showOutput(record: EvidenceRecord): Promise<void>;
  closeOutput(): void;
  runClaimNow(runId: string, index: number): Promise<void>;
  ruleClaim(runId: string, index: number, holds: boolean, note: string): Promise<void>;
  startReview(taskId: string): Promise<void>;
  acceptReviewFinding(reviewId: string, index: number): Promise<void>;
  /** Approves or denies a check the breaker asked to run. */
  answerReviewCheck(reviewId: string, checkId: string, approved: boolean): Promise<void>;
  /** Stops a running breaker review (it ends "cancelled"; the final state arrives as an event). */
  cancelReview(reviewId: string): Promise<void>;
  /** Opens an evidence record's output in the Evidence tab. */
  openEvidence(id: string): Promise<void>;
  loadChecksConfig(): Promise<void>;
  /** Saves the project's test command; null (or blank) clears it so detection applies again. */
  saveTestCommand(command: string | null): Promise<void>;
}

/** `prev` when `next` holds the same content (records from the core are plain JSON), else `next`. */
function sameOr<T>(prev: readonly T[], next: readonly T[]): readonly T[] {
  return prev.length === next.length && JSON.stringify(prev) === JSON.stringify(next) ? prev : next;
}

/**
 * As sameOr for the evidence, which can be thousands of records: a signed record is the same when its id, its
 * signature (an HMAC over its content) and the trust verdict read with it are; an unsigned one is compared whole.
 */
function sameRecordsOr(prev: readonly EvidenceRecord[], next: readonly EvidenceRecord[]): readonly EvidenceRecord[] {
  if (prev.length !== next.length) return next;
  for (let i = 0; i < next.length; i++) {
    const a = prev[i]!;
    const b = next[i]!;
    if (a.id !== b.id || a.mac !== b.mac || a.untrusted !== b.untrusted) return next;
    if (b.mac === undefined && JSON.stringify(a) !== JSON.stringify(b)) return next;
  }
  return prev;
}

/** Streamed output kept in memory per job. */
const OUTPUT_TAIL = 200_000;

/** Creates the Calibrator slice over the API client. */
export function createVerifySlice(api: ApiClient): StateCreator<AppState, [], [], VerifySlice> {
  return (set, get) => {
    const root = () => currentRoot(get());
    /** Counts review and run events; each id remembers the count when an event last updated it. */
    let eventsSeen = 0;
    const reviewEvents = new Map<string, number>();
    const runEvents = new Map<string, number>();
    const guard = async (work: (r: string) => Promise<void>) => {
      const r = root();
      if (!r) return;
      try {
        await work(r);
      } catch (error) {
        get().notify('error', messageOf(error));
      }
    };
    const refreshOnce = async (): Promise<void> => {
      const r = root();
      if (!r) return;
      set({ calLoading: true });
      try {
        // One request for the whole pane: every refresh of the Calibrator costs one round trip.
        const sent = eventsSeen;
        const o = await api.request('verify.overview', { root: r });
        if (root() !== r) return;
        // A review or run that an event updated while the answer was on its way is newer than the answer.
        const newer = <T,>(fetched: readonly T[], current: readonly T[], id: (x: T) => string, since: Map<string, number>): T[] => {
          const fresh = new Set([...since].filter(([, at]) => at > sent).map(([k]) => k));
          if (fresh.size === 0) return [...fetched];
          const kept = current.filter((x) => fresh.has(id(x)));
          return [...kept, ...fetched.filter((x) => !fresh.has(id(x)))];
        };
        // Lists whose content did not change keep their identity, so the views showing them do not render again.
        set((s) => ({
          evidence: sameRecordsOr(s.evidence, o.records),
          supersededIds: sameOr(s.supersededIds, o.supersededIds),
          verifiedRuns: sameOr(s.verifiedRuns, newer(o.runs, s.verifiedRuns, (x) => x.runId, runEvents)),
          calibration: sameOr(s.calibration, o.groups),
          taskStates: sameOr(s.taskStates, o.tasks),
          reviews: sameOr(s.reviews, newer(o.reviews, s.reviews, (x) => x.id, reviewEvents)),
          calLoading: false,
          calError: null,
        }));
      } catch (error) {
        if (root() === r) set({ calLoading: false, calError: messageOf(error) });
      }
    };
    let runningRefresh: Promise<void> | null = null;
    let queuedRefresh: Promise<void> | null = null;
    const startRefresh = (): Promise<void> => {
      const run = refreshOnce().finally(() => {
        if (runningRefresh === run) runningRefresh = null;
      });
      runningRefresh = run;
      return run;
    };
    const busy = (key: string, on: boolean) => set((s) => ({ claimBusy: on ? [...s.claimBusy, key] : s.claimBusy.filter((k) => k !== key) }));
    return {
      calTab: 'evidence',
      evidence: [],
      supersededIds: [],
      calLoading: false,
      calError: null,
      verifiedRuns: [],
      calibration: [],
      taskStates: [],
      reviews: [],
      evidenceFilter: { text: '', result: 'all', kind: 'all', followSelection: true, group: 'time' },
      verifyJob: null,
      openOutput: null,
      claimBusy: [],
      checksConfig: null,

      async loadCalibrator() {
        const r = root();
        set({ evidence: [], supersededIds: [], verifiedRuns: [], calibration: [], taskStates: [], reviews: [], verifyJob: null, openOutput: null, calError: null, checksConfig: null });
        if (r) await get().refreshCalibrator();
      },

      refreshCalibrator() {
        // At most one overview request at a time, and at most one more queued behind it: a burst of events
        // (three runs verified, a dozen evidence appends) costs two round trips and two renders, not a dozen.
        if (queuedRefresh) return queuedRefresh;
        if (runningRefresh) {
          queuedRefresh = runningRefresh.then(() => {
            queuedRefresh = null;
            return startRefresh();
          });
          return queuedRefresh;
        }
        return startRefresh();
      },

      setCalTab: (tab) => set({ calTab: tab }),
      setEvidenceFilter: (patch) => set((s) => ({ evidenceFilter: { ...s.evidenceFilter, ...patch } })),

      startVerify: (taskId) =>
        guard(async (r) => {
          const { jobId, total } = await api.request('verify.run', { root: r, taskId });
          if (total === 0) {
            get().notify('info', 'Nothing to verify: add a command to an acceptance check (AC-n: … `command`), a decision confirmation, or set a test command.');
            return;
          }
          set({ verifyJob: { jobId, root: r, done: 0, total, current: null, output: '', finished: false, cancelled: false, results: [] } });
        }),

      cancelVerify: () =>
        guard(async () => {
          const job = get().verifyJob;
          if (job && !job.finished) await api.request('verify.cancel', { jobId: job.jobId });
        }),

      onVerifyProgress(e) {
        const job = get().verifyJob;
        if (job?.jobId === e.jobId) set({ verifyJob: { ...job, done: e.done, total: e.total, current: e.current } });
      },
      onVerifyOutput(e) {
        const job = get().verifyJob;
        if (job?.jobId !== e.jobId) return;
        const output = (job.output + e.chunk).slice(-OUTPUT_TAIL);
        set({ verifyJob: { ...job, output } });
      },
      onVerifyFinish(e) {
        const job = get().verifyJob;
        if (job?.jobId === e.jobId) set({ verifyJob: { ...job, finished: true, cancelled: e.cancelled, results: e.results, current: null, done: e.results.length } });
        if (e.root === root()) void get().refreshCalibrator();
      },
      onRunVerified(e) {
        if (e.root !== root()) return;
        runEvents.set(e.run.runId, ++eventsSeen);
        set((s) => ({ verifiedRuns: [e.run, ...s.verifiedRuns.filter((r) => r.runId !== e.run.runId)] }));
        void get().refreshCalibrator();
      },
      onReview(e) {
        if (e.root !== root()) return;
        reviewEvents.set(e.review.id, ++eventsSeen);
        set((s) => ({ reviews: [e.review, ...s.reviews.filter((r) => r.id !== e.review.id)] }));
      },

      showOutput: (record) =>
        guard(async (r) => {
          if (!record.hasOutput) {
            set({ openOutput: { id: record.id, title: record.what, text: record.excerpt, found: false } });
            return;
          }
          const out = await api.request('verify.output', { root: r, id: record.id });
          set({ openOutput: { id: record.id, title: record.what, text: out.found ? out.text : record.excerpt, found: out.found } });
        }),
      closeOutput: () => set({ openOutput: null }),

      runClaimNow: (runId, index) =>
        guard(async (r) => {
          busy(`${runId}#${index}`, true);
          try {
            const run = await api.request('verify.runClaim', { root: r, runId, index });
            set((s) => ({ verifiedRuns: s.verifiedRuns.map((x) => (x.runId === runId ? run : x)) }));
          } finally {
            busy(`${runId}#${index}`, false);
          }
        }),
      ruleClaim: (runId, index, holds, note) =>
        guard(async (r) => {
          const run = await api.request('verify.rule', { root: r, runId, index, holds, note });
          set((s) => ({ verifiedRuns: s.verifiedRuns.map((x) => (x.runId === runId ? run : x)) }));
        }),
      startReview: (taskId) =>
        guard(async (r) => {
          const review = await api.request('verify.review', { root: r, taskId });
          set((s) => ({ reviews: [review, ...s.reviews.filter((x) => x.id !== review.id)] }));
        }),
      acceptReviewFinding: (reviewId, index) =>
        guard(async (r) => {
          const { taskId } = await api.request('verify.acceptFinding', { root: r, reviewId, index });
          get().notify('info', `Created ${taskId} for the finding.`);
          const reviews = await api.request('verify.reviews', { root: r });
          set({ reviews: reviews.reviews });
        }),
      answerReviewCheck: (reviewId, checkId, approved) =>
        guard(async (r) => {
          await api.request('verify.answerReviewCheck', { root: r, reviewId, checkId, approved });
        }),
      cancelReview: (reviewId) =>
        guard(async (r) => {
          await api.request('verify.cancelReview', { root: r, reviewId });
        }),
      openEvidence: (id) =>
        guard(async (r) => {
          let record = get().evidence.find((x) => x.id === id);
          if (!record) {
            const ev = await api.request('verify.evidence', { root: r });
            if (root() !== r) return;
            set({ evidence: ev.records, supersededIds: ev.supersededIds });
            record = ev.records.find((x) => x.id === id);
          }
          if (!record) {
            get().notify('error', `Evidence ${id} is not in this project's ledger.`);
            return;
          }
          set({ calTab: 'evidence' });
          await get().showOutput(record);
        }),
      loadChecksConfig: () =>
        guard(async (r) => {
          const plan = await api.request('verify.plan', { root: r });
          if (root() === r) set({ checksConfig: { configured: plan.configuredTestCommand, detected: plan.detectedTestCommand } });
        }),
      saveTestCommand: (command) =>
        guard(async (r) => {
          const value = command?.trim() ? command.trim() : null;
          await api.request('verify.setTestCommand', { root: r, command: value });
          get().notify('info', value ? `Test command set to ${value}.` : 'Test command cleared: the detected one applies.');
          await get().loadChecksConfig();
          await get().refreshCalibrator();
        }),
    };
  };
}
