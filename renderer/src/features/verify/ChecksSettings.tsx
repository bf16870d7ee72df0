import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../stores/app-store';

/**
 * "Checks…": a small popover to set the project's test command. The detected command is the
 * placeholder, so an empty field means "use what is detected"; Save stores, Clear goes back to detection.
 */
export function ChecksSettings() {
  const { config, load, save } = useAppStore(useShallow((s) => ({ config: s.checksConfig, load: s.loadChecksConfig, save: s.saveTestCommand })));
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState('');
  const [saving, setSaving] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const popover = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (open) void load();
  }, [open, load]);
  useEffect(() => {
    if (open && config) setDraft(config.configured ?? '');
  }, [open, config]);
  const loaded = config !== null;
  useEffect(() => {
    // The field is disabled until the settings arrive, and a disabled field cannot take focus.
    if (open && loaded) input.current?.focus();
  }, [open, loaded]);
  useEffect(() => {
    if (!open) return undefined;
    // A click outside closes it, as any popover; focus stays where the user clicked.
    const onDown = (e: MouseEvent) => {
      if (!popover.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const commit = async (value: string | null) => {
    setSaving(true);
    try {
      await save(value);
    } finally {
      setSaving(false);
    }
    close();
  };
  const detected = config?.detected ?? null;
  const configured = config?.configured ?? null;
  const changed = draft.trim() !== (configured ?? '');
  return (
    <span className="cal-checks">
      <button
        ref={button}
        type="button"
        className="btn btn-small btn-ghost"
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => (open ? close() : setOpen(true))}
        title="The project's test command"
      >
        Checks…
      </button>
      {open && (
        <div
          ref={popover}
          role="dialog"
          aria-label="Checks settings"
          className="cal-checks-popover"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              close();
            }
          }}
        >
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (changed && !saving) void commit(draft);
            }}
          >
            <label htmlFor="cal-test-command">Test command</label>
            <input
              ref={input}
              id="cal-test-command"
              type="text"
              className="mono"
              spellCheck={false}
              autoComplete="off"
              placeholder={detected?.command ?? 'none detected, e.g. npm test'}
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              disabled={!loaded}
            />
            <p className="muted cal-checks-source" role="status">
              {config === null
                ? 'Loading…'
                : configured
                  ? `Configured in .plumbline/checks.json${detected ? `; detected: ${detected.command} (${detected.source})` : ''}.`
                  : detected
                    ? `Detected from ${detected.source}. Type a command to use another.`
                    : 'Nothing detected (package.json, pyproject.toml, go.mod, Cargo.toml, Makefile). Type the command that runs the tests.'}
            </p>
            <div className="toolbar cal-checks-actions">
              <button type="submit" className="btn btn-primary btn-small" disabled={!changed || !draft.trim() || saving}>
                Save
              </button>
              <button type="button" className="btn btn-small" disabled={!configured || saving} onClick={() => void commit(null)} title="Use the detected command again">
                Clear
              </button>
              <span className="spacer" />
              <button type="button" className="btn btn-small btn-ghost" onClick={close}>
                Close
              </button>
            </div>
          </form>
        </div>
      )}
    </span>
  );
}
