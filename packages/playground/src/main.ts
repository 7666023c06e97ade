import './style.css';
import { type LetterSet, type SampleManifest, loadSampleFromUrl } from '@mixent/data';
import { type BackendChoice, BROWSER_BACKENDS, startBackend } from './backend.js';
import { h } from './dom.js';
import { DrawView } from './draw-view.js';
import { type RunModel, loadRunFromFiles, loadRunFromUrl } from './runs.js';
import { TestSetView } from './test-set-view.js';
import { TrainView } from './train-view.js';

/** A folder URL beside the page: every path works under any base, as static hosts serve it. */
const here = (path: string) => new URL(path, document.baseURI);

/** `?backend=` picks a backend (auto, webgpu, wasm, webgl, cpu); the choice reloads the page with it. */
function backendChoice(): BackendChoice {
  const asked = new URLSearchParams(location.search).get('backend') ?? 'auto';
  return (['auto', ...BROWSER_BACKENDS] as string[]).includes(asked) ? (asked as BackendChoice) : 'auto';
}

/** Tabs that follow the WAI-ARIA pattern: arrows move between them, the selected one is in the tab order. */
function wireTabs(onShow: (panel: HTMLElement) => void): void {
  const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  const select = (tab: HTMLButtonElement) => {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute('aria-selected', String(selected));
      other.tabIndex = selected ? 0 : -1;
      const panel = document.getElementById(other.getAttribute('aria-controls') as string) as HTMLElement;
      panel.hidden = !selected;
      if (selected) onShow(panel);
    }
  };
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => select(tab));
    tab.addEventListener('keydown', (event) => {
      const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
      if (step === 0) return;
      const next = tabs[(i + step + tabs.length) % tabs.length] as HTMLButtonElement;
      next.focus();
      select(next);
    });
  });
}

/** The form that adds a model: a folder from the disk, or a URL. */
function loadForm(add: (load: () => Promise<RunModel>) => Promise<void>, sampleLetters: string): HTMLElement {
  const picker = h('input', { type: 'file', id: 'model-files', multiple: true, webkitdirectory: true });
  const url = h('input', { type: 'url', id: 'model-url', placeholder: 'https://…/runs/vgg5-ce/' });
  const status = h('p', { role: 'status', id: 'load-status' });
  const run = async (load: () => Promise<RunModel>) => {
    status.textContent = 'Loading…';
    try {
      await add(load);
      status.textContent = 'Added.';
    } catch (error) {
      status.textContent = `Could not load it: ${(error as Error).message}`;
    }
  };
  picker.addEventListener('change', () => void run(() => loadRunFromFiles([...(picker.files ?? [])], sampleLetters)));
  const form = h(
    'form',
    { class: 'load-form' },
    h('h3', {}, 'Compare another model'),
    h(
      'p',
      { class: 'hint' },
      'A folder that `mixent train` (its run folder) or `mixent import-torch` wrote; one trained on the full data knows a–z.',
    ),
    h('div', { class: 'field' }, h('label', { for: 'model-files' }, 'Folder on this computer'), picker),
    h('div', { class: 'field' }, h('label', { for: 'model-url' }, 'or its URL'), url, h('button', { type: 'submit' }, 'Load')),
    status,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void run(() => loadRunFromUrl(url.value, sampleLetters));
  });
  return form;
}

async function main(): Promise<void> {
  const status = document.getElementById('backend-status') as HTMLElement;
  const choice = backendChoice();
  const backend = await startBackend(choice);
  const chooser = h(
    'select',
    { id: 'backend', 'aria-label': 'Backend' },
    ...['auto', ...BROWSER_BACKENDS].map((name) => h('option', { value: name, selected: name === choice }, name)),
  );
  chooser.addEventListener('change', () => {
    const url = new URL(location.href);
    url.searchParams.set('backend', chooser.value);
    location.assign(url);
  });
  status.replaceChildren(`Backend: ${backend.description}. `, h('label', { for: 'backend' }, 'Change: '), chooser);

  const manifest = (await (await fetch(here('sample/manifest.json'))).json()) as SampleManifest;
  const sampleLetters = manifest.classes.map((c) => c.letter).join('');
  const shipped = (await (await fetch(here('models/index.json'))).json()) as string[];
  const models: RunModel[] = await Promise.all(shipped.map((name) => loadRunFromUrl(here(`models/${name}/`), sampleLetters)));
  const test = await loadSampleFromUrl('test', here('sample/'));
  let train: Promise<LetterSet> | undefined;

  const panels = { draw: 'view-draw', test: 'view-test', train: 'view-train' } as const;
  const panel = (key: keyof typeof panels) => document.getElementById(panels[key]) as HTMLElement;
  let testSetStale = true;
  const add = async (load: () => Promise<RunModel>) => {
    const run = await load();
    if (models.some((m) => m.id === run.id)) run.id = `${run.id}-${models.length + 1}`;
    models.push(run);
    draw.renderCards();
    testSetStale = true;
  };
  const draw = new DrawView(panel('draw'), () => models, loadForm(add, sampleLetters));
  const testSet = new TestSetView(panel('test'), () => models, test);
  new TrainView(
    panel('train'),
    async () => ({ train: await (train ??= loadSampleFromUrl('train', here('sample/'))), test }),
    backend.description,
    (run) => void add(async () => run),
  );
  wireTabs((shown) => {
    if (shown === panel('test') && testSetStale) {
      testSetStale = false;
      void testSet.compute();
    }
  });
  document.body.dataset.ready = 'true';
}

main().catch((error: unknown) => {
  const status = document.getElementById('backend-status') as HTMLElement;
  status.textContent = `The playground could not start: ${(error as Error).message}`;
  throw error;
});
