import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../stores/app-store';

/** Asks once for a name and email when git has none, offering to save them to the repository. */
function AuthorForm() {
  const saveAuthor = useAppStore((s) => s.saveAuthor);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [toRepo, setToRepo] = useState(true);
  return (
    <form
      className="author-form"
      aria-label="Commit author"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim() && email.trim()) void saveAuthor(name.trim(), email.trim(), toRepo);
      }}
    >
      <p className="muted">No author is set in git config. Who should commits be made by?</p>
      <label>
        Name <input value={name} onChange={(e) => setName(e.target.value)} required autoComplete="name" />
      </label>
      <label>
        Email <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="email" />
      </label>
      <label className="check">
        <input type="checkbox" checked={toRepo} onChange={(e) => setToRepo(e.target.checked)} /> Save to this repository&apos;s git config
      </label>
      <button className="btn" type="submit">
        Use this author
      </button>
    </form>
  );
}

/** The commit box: message, Commit (Ctrl/Cmd+Enter), Amend. */
export function CommitBox() {
  const { status, author, sessionAuthor, busy, commit, lastCommitMessage } = useAppStore(
    useShallow((s) => ({
      status: s.gitStatus,
      author: s.author,
      sessionAuthor: s.sessionAuthor,
      busy: s.gitBusy,
      commit: s.commit,
      lastCommitMessage: s.lastCommitMessage,
    })),
  );
  const [message, setMessage] = useState('');
  const [amend, setAmend] = useState(false);
  if (!status) return null;
  const needAuthor = (!author || author.source === 'none') && !sessionAuthor;
  const staged = status.staged.length;
  const canCommit = !busy && !needAuthor && (amend ? !status.unborn : staged > 0 && message.trim().length > 0);
  const submit = async () => {
    if (!canCommit) return;
    if (await commit(message, amend)) {
      setMessage('');
      setAmend(false);
    }
  };
  const who = sessionAuthor ?? (author?.name ? { name: author.name, email: author.email ?? '' } : null);
  return (
    <div className="commit-box">
      {needAuthor && <AuthorForm />}
      <textarea
        aria-label="Commit message"
        placeholder={staged ? `Message for ${staged} staged ${staged === 1 ? 'change' : 'changes'} (Ctrl+Enter commits)` : 'Stage changes, then write a message'}
        value={message}
        rows={3}
        onChange={(e) => setMessage(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void submit();
          }
        }}
      />
      <div className="commit-actions">
        <label className="check" title="Replace the last commit with the staged changes and this message">
          <input
            type="checkbox"
            checked={amend}
            disabled={status.unborn}
            onChange={async (e) => {
              const on = e.target.checked;
              setAmend(on);
              if (on && !message.trim()) setMessage(await lastCommitMessage());
            }}
          />{' '}
          Amend
        </label>
        <span className="muted grow author-line" title={who ? `${who.name} <${who.email}>` : undefined}>
          {who ? `as ${who.name}` : ''}
        </span>
        <button className="btn btn-primary" disabled={!canCommit} onClick={() => void submit()}>
          {amend ? 'Amend' : 'Commit'}
        </button>
      </div>
    </div>
  );
}
