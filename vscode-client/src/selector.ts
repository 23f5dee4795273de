/** Documents the server handles: Python files on disk, unsaved Python buffers, and Python cells of any notebook. */
export const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'python' },
  { scheme: 'untitled', language: 'python' },
  { notebook: '*', language: 'python' },
];
