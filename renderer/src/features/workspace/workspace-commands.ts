import { useMemo } from 'react';
import { useCommands, type Command } from '../../commands/registry';
import { useAppStore, useAppStoreApi } from '../../stores/app-store';
import { useUiPrefs } from '../../stores/ui-prefs';
import { afterRender, focusChangeRow } from '../git/focus';
import { focusEditorWhenOpened } from '../files/editor-focus';

/** The shortcut modifier as the platform names it. */
export const MOD = typeof navigator !== 'undefined' && navigator.platform.toLowerCase().includes('mac') ? '⌘' : 'Ctrl';

/**
 * Focuses the first element matching `selector` inside `scope` once the state just set has rendered; a view that
 * loads its data first (Branches) shows the element a little later, so it is looked for again for up to 3 s.
 */
function focusSoon(selector: string, scope = document.body as ParentNode, tries = 60): void {
  afterRender(() => {
    const el = scope.querySelector<HTMLElement>(selector);
    if (el) el.focus({ focusVisible: true });
    else if (tries > 0) setTimeout(() => focusSoon(selector, scope, tries - 1), 50);
  });
}

/** Presses the button named `name` inside the pane `pane` once rendered (for forms the view opens itself). */
function pressSoon(pane: string, name: string): void {
  afterRender(() => {
    const buttons = document.getElementById(`pane-${pane}`)?.querySelectorAll<HTMLButtonElement>('button') ?? [];
    [...buttons].find((b) => b.textContent?.trim() === name && !b.disabled)?.click();
  });
}

/**
 * The workspace's commands for the palette: git, verify, tasks, decisions, spec items, tabs. Each one leaves
 * keyboard focus where the next step happens (the commit message after "Commit…", the new task's title, …).
 */
export function WorkspaceCommands({ openShortcuts }: { readonly openShortcuts: () => void }): null {
  const store = useAppStoreApi();
  const isRepo = useAppStore((s) => s.project?.git.isRepo ?? false);
  const setBuilderTab = useUiPrefs((s) => s.setBuilderTab);
  const list = useMemo<Command[]>(() => {
    const s = () => store.getState();
    const builder = (tab: string, focus?: string) => {
      setBuilderTab(tab);
      focusSoon(focus ?? `#builder-tab-${tab}`);
    };
    const orchestrator = (tab: 'spec' | 'decisions' | 'tasks') => s().setOrchestratorTab(tab);
    const cmds: Command[] = [
      { id: 'help.shortcuts', title: 'Keyboard shortcuts', keys: '?', run: openShortcuts },
      { id: 'builder.files', title: 'Show files', run: () => builder('files') },
      { id: 'builder.editor', title: 'Show editor', run: () => builder('editor') },
      {
        id: 'files.edit',
        title: 'Edit file shown in Files',
        run: () => {
          const path = s().viewingPath;
          if (!path) return s().notify('info', 'Choose a file in Files first (Ctrl+2, Tab to the tree, Enter on a file).');
          focusEditorWhenOpened(path);
          void s().openEditor(path);
          setBuilderTab('editor');
        },
      },
      { id: 'builder.agent', title: 'Agent: Choose a task to run…', run: () => builder('agent', '#agent-task') },
      {
        id: 'settings.open',
        title: 'Settings…',
        run: () => afterRender(() => document.querySelector<HTMLButtonElement>('header button[aria-label="Settings"]')?.click()),
      },
      {
        id: 'verify.run',
        title: 'Verify: Run every check',
        run: () => {
          void s().startVerify();
          focusSoon('#pane-calibrator [role="tab"][aria-selected="true"]');
        },
      },
      {
        id: 'tasks.new',
        title: 'New task…',
        run: () => {
          orchestrator('tasks');
          pressSoon('orchestrator', 'New task');
        },
      },
      {
        id: 'decisions.new',
        title: 'New decision…',
        run: () => {
          orchestrator('decisions');
          pressSoon('orchestrator', 'New decision');
        },
      },
      {
        id: 'spec.addItem',
        title: 'Add spec item…',
        run: () => {
          orchestrator('spec');
          s().setSpecMode('structured');
          focusSoon('#pane-orchestrator input[aria-label^="New item for"]');
        },
      },
    ];
    if (isRepo) {
      const status = () => s().gitStatus;
      const changes = (focus: () => void) => {
        setBuilderTab('changes');
        afterRender(focus);
      };
      cmds.push(
        { id: 'git.changes', title: 'Show changes', run: () => builder('changes', '.change-row .change-open') },
        { id: 'git.history', title: 'Show history', run: () => builder('history') },
        {
          id: 'git.stage',
          title: 'Stage selected file',
          run: () => {
            const sel = s().changeSelection;
            if (!sel || sel.group === 'staged') return s().notify('info', 'Select an unstaged file in Changes first (Ctrl+2, then Tab to the list).');
            void s().stage([sel.path]).then(() => changes(() => focusChangeRow(sel.path, { group: sel.group, at: 0 })));
          },
        },
        {
          id: 'git.unstage',
          title: 'Unstage selected file',
          run: () => {
            const sel = s().changeSelection;
            if (!sel || sel.group !== 'staged') return s().notify('info', 'Select a staged file in Changes first.');
            void s().unstage([sel.path]).then(() => changes(() => focusChangeRow(sel.path, { group: 'staged', at: 0 })));
          },
        },
        {
          id: 'git.stageAll',
          title: 'Stage all changes',
          run: () => {
            const st = status();
            const paths = st ? [...st.unstaged.map((c) => c.path), ...st.untracked] : [];
            if (paths.length === 0) return s().notify('info', 'Nothing to stage: there are no unstaged changes.');
            void s().stage(paths).then(() => changes(() => focusSoon('textarea[aria-label="Commit message"]')));
          },
        },
        { id: 'git.unstageAll', title: 'Unstage all changes', run: () => void s().unstage('all').then(() => changes(() => focusChangeRow(''))) },
        { id: 'git.commit', title: 'Commit staged changes…', keys: `${MOD}+Enter`, run: () => builder('changes', 'textarea[aria-label="Commit message"]') },
        { id: 'git.createBranch', title: 'Create branch…', run: () => builder('branches', 'input[aria-label="New branch name"]') },
        { id: 'git.switchBranch', title: 'Switch branch…', run: () => builder('branches', 'ul[aria-label="Branches"] button:not([disabled])') },
      );
    }
    return cmds;
  }, [store, isRepo, setBuilderTab, openShortcuts]);
  useCommands(list);
  return null;
}
