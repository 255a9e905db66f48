// French and English strings in one table; the language comes from localStorage, else navigator.language.
const strings = {
  'nav.hardware': ['Hardware', 'Matériel'],
  'nav.benchmark': ['Benchmark', 'Benchmark'],
  'nav.results': ['Results', 'Résultats'],
  'common.loading': ['Loading…', 'Chargement…'],
  'common.error': ['Error: {msg}', 'Erreur : {msg}'],
  'common.none': ['none', 'aucun'],
  'common.yes': ['yes', 'oui'],
  'common.no': ['no', 'non'],
  'common.unknown': ['unknown', 'inconnu'],
  'hw.cpu': ['Processor', 'Processeur'],
  'hw.model': ['Model', 'Modèle'],
  'hw.vendor': ['Vendor', 'Fabricant'],
  'hw.cores': ['Cores (physical / logical)', 'Cœurs (physiques / logiques)'],
  'hw.sockets': ['Sockets / NUMA nodes', 'Sockets / nœuds NUMA'],
  'hw.freq': ['Frequency (base / max)', 'Fréquence (base / max)'],
  'hw.caches': ['Caches', 'Caches'],
  'hw.isa': ['Instruction sets', 'Jeux d’instructions'],
  'hw.ram': ['Memory', 'Mémoire'],
  'hw.ram_total': ['Total / available', 'Totale / disponible'],
  'hw.ram_type': ['Type / speed', 'Type / vitesse'],
  'hw.unified': ['Unified memory', 'Mémoire unifiée'],
  'hw.os': ['System', 'Système'],
  'hw.gpus': ['GPUs', 'GPU'],
  'hw.no_gpu': ['No GPU detected.', 'Aucun GPU détecté.'],
  'hw.gpu_name': ['Name', 'Nom'],
  'hw.vram': ['VRAM', 'VRAM'],
  'hw.backend': ['Backend', 'Backend'],
  'hw.driver': ['Driver', 'Pilote'],
  'hw.llama': ['llama.cpp library', 'Bibliothèque llama.cpp'],
  'hw.llama_missing': ['Not found: {reason}', 'Introuvable : {reason}'],
  'hw.path': ['Path', 'Chemin'],
  'hw.version': ['Version', 'Version'],
  'hw.variant': ['Build', 'Compilation'],
  'hw.backends': ['Backends', 'Backends'],
  'hw.warnings': ['Warnings', 'Avertissements'],
  'hw.warn_cpu_llama': ['{vendor} GPU found but the llama.cpp library is a CPU-only build: models will run on the CPU (run scripts/setup --llama-variant {variant}).',
    'GPU {vendor} détecté mais la bibliothèque llama.cpp est une version CPU seulement : les modèles tourneront sur le CPU (lancez scripts/setup --llama-variant {variant}).'],
  'hw.warn_no_llama': ['No llama.cpp library: the LLM phase will be skipped.', 'Pas de bibliothèque llama.cpp : la phase LLM sera ignorée.'],
  'bench.start': ['Start benchmark', 'Lancer le benchmark'],
  'bench.cancel': ['Cancel', 'Annuler'],
  'bench.models': ['Models', 'Modèles'],
  'bench.fit_ok': ['fits in RAM', 'tient en RAM'],
  'bench.fit_vram': ['fits in VRAM', 'tient en VRAM'],
  'bench.fit_no': ['needs {need} GiB RAM (have {have})', 'demande {need} Gio de RAM ({have} disponibles)'],
  'bench.phases': ['Phases', 'Phases'],
  'bench.classic': ['Classic benchmarks (CPU, memory, GPU)', 'Benchmarks classiques (CPU, mémoire, GPU)'],
  'bench.ai': ['LLM inference', 'Inférence LLM'],
  'bench.options': ['Options', 'Options'],
  'bench.quant': ['Quantization', 'Quantification'],
  'bench.quant_default': ['model default', 'par défaut du modèle'],
  'bench.cpu_only': ['Run models on the CPU only', 'Modèles sur le CPU uniquement'],
  'bench.server': ['llama-server engine', 'Moteur llama-server'],
  'bench.server_auto': ['Auto (path to llama-server)', 'Auto (chemin de llama-server)'],
  'bench.server_manual': ['Manual (address)', 'Manuel (adresse)'],
  'bench.server_unavailable': ['Not available in this version (the in-process llama.cpp engine is used).',
    'Pas disponible dans cette version (le moteur llama.cpp intégré est utilisé).'],
  'bench.progress': ['Progress', 'Progression'],
  'bench.idle': ['No run in progress.', 'Aucun benchmark en cours.'],
  'bench.running': ['Run {id} in progress', 'Benchmark {id} en cours'],
  'bench.already': ['Another run is in progress ({id}): following it.', 'Un autre benchmark est en cours ({id}) : suivi.'],
  'bench.done': ['Run finished: {status}', 'Benchmark terminé : {status}'],
  'bench.see_results': ['See the results', 'Voir les résultats'],
  'bench.monitor': ['Live monitor', 'Moniteur en direct'],
  'bench.phase_start': ['{name}: started', '{name} : démarré'],
  'bench.phase_done': ['{name}: {status}', '{name} : {status}'],
  'bench.tps': ['{model}: {text}', '{model} : {text}'],
  'bench.nothing': ['Choose at least one phase.', 'Choisissez au moins une phase.'],
  'res.list': ['Results files', 'Fichiers de résultats'],
  'res.empty': ['No results yet: run a benchmark or import a file.', 'Aucun résultat : lancez un benchmark ou importez un fichier.'],
  'res.name': ['File', 'Fichier'],
  'res.date': ['Date', 'Date'],
  'res.cpu': ['CPU', 'CPU'],
  'res.status': ['Status', 'État'],
  'res.import': ['Import a results file', 'Importer un fichier de résultats'],
  'res.imported': ['Imported as {name}', 'Importé sous {name}'],
  'res.compare': ['Compare selected', 'Comparer la sélection'],
  'res.compare_need': ['Select at least two results to compare.', 'Sélectionnez au moins deux résultats à comparer.'],
  'res.details': ['Details', 'Détails'],
  'res.delete': ['Delete', 'Supprimer'],
  'res.delete_confirm': ['Delete {name}?', 'Supprimer {name} ?'],
  'res.export_json': ['JSON', 'JSON'],
  'res.export_csv': ['CSV', 'CSV'],
  'res.gflops': ['CPU GFLOPS per matrix size', 'GFLOPS CPU par taille de matrice'],
  'res.single': ['1 thread', '1 thread'],
  'res.multi': ['all threads', 'tous les threads'],
  'res.bandwidth': ['Memory bandwidth per operation (GB/s)', 'Bande passante mémoire par opération (Go/s)'],
  'res.gpu': ['GPU GEMM (TFLOPS)', 'GEMM GPU (TFLOPS)'],
  'res.tps': ['Tokens/s per model (± std)', 'Tokens/s par modèle (± écart type)'],
  'res.ttft': ['Time to first token (s)', 'Latence du premier token (s)'],
  'res.itl': ['Inter-token latency percentiles (ms)', 'Percentiles de latence inter-token (ms)'],
  'res.monitor': ['Monitor time series', 'Séries temporelles du moniteur'],
  'res.phase': ['Phase', 'Phase'],
  'res.no_data': ['No data for this chart.', 'Pas de données pour ce graphique.'],
  'res.comparison': ['Comparison', 'Comparaison'],
  'res.baseline': ['Baseline', 'Référence'],
  'res.ratio_note': ['Ratios are value / baseline. For latency and memory lower is better; otherwise higher is better.',
    'Les ratios valent valeur / référence. Pour la latence et la mémoire, plus bas est meilleur ; sinon plus haut est meilleur.'],
  'res.export_cmp': ['Export the comparison (CSV)', 'Exporter la comparaison (CSV)'],
  'res.metric': ['Metric', 'Mesure'],
  'res.unit': ['Unit', 'Unité'],
  'res.better': ['Better', 'Meilleur'],
  'res.higher': ['higher', 'plus haut'],
  'res.lower': ['lower', 'plus bas'],
  'chart.missing': ['Chart library not loaded (run scripts/setup and rebuild).', 'Bibliothèque de graphiques absente (lancez scripts/setup puis recompilez).'],
  'fam.cpu_single_thread': ['CPU GFLOPS, 1 thread', 'GFLOPS CPU, 1 thread'],
  'fam.cpu_multi_thread': ['CPU GFLOPS, all threads', 'GFLOPS CPU, tous les threads'],
  'fam.memory_bandwidth': ['Memory bandwidth, all threads', 'Bande passante mémoire, tous les threads'],
  'fam.gpu_compute': ['GPU GEMM', 'GEMM GPU'],
  'fam.gpu_memory': ['GPU memory bandwidth', 'Bande passante mémoire GPU'],
  'fam.ai_tokens_per_second': ['LLM tokens/s (average)', 'Tokens/s LLM (moyenne)'],
  'fam.ai_first_token_latency': ['LLM first-token latency', 'Latence du premier token LLM'],
  'fam.ai_decode_tokens_per_second': ['LLM decode tokens/s', 'Tokens/s de décodage LLM'],
  'fam.ai_peak_memory': ['LLM peak memory', 'Mémoire de pointe LLM'],
};

const LANGS = ['en', 'fr'];
let lang = pickLang();
const listeners = [];

function pickLang() {
  const saved = localStorage.getItem('computellm.lang');
  if (LANGS.includes(saved)) return saved;
  return (navigator.language || 'en').toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

export function getLang() { return lang; }

export function setLang(l) {
  if (!LANGS.includes(l) || l === lang) return;
  lang = l;
  localStorage.setItem('computellm.lang', l);
  listeners.forEach(fn => fn(l));
}

// fn is called after every language change (pages re-render their text).
export function onLangChange(fn) { listeners.push(fn); }

export function t(key, params = {}) {
  const entry = strings[key];
  const s = entry ? entry[LANGS.indexOf(lang)] : key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (params[k] ?? ''));
}

// Fills every element carrying data-i18n under root.
export function applyI18n(root = document) {
  root.querySelectorAll('[data-i18n]').forEach(el => { el.textContent = t(el.dataset.i18n); });
  document.documentElement.lang = lang;
}

// Number in the UI language's style; null/undefined print as an em dash ("unknown is not zero").
export function num(v, digits = 2, minDigits = 0) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  return Number(v).toLocaleString(lang, {maximumFractionDigits: digits, minimumFractionDigits: minDigits});
}
