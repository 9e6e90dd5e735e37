/**
 * Hands text to the browser as a download. Everything Hearth exports goes through here, so a
 * file name always carries the date it was made.
 */
export function saveFile(baseName: string, content: string | Blob, type = 'application/json', extension = 'json'): string {
  const name = `${baseName}-${new Date().toISOString().slice(0, 10)}.${extension}`;
  const link = document.createElement('a');
  // A Blob (a big backup made in a worker) is handed over as it is, never copied into a string.
  link.href = URL.createObjectURL(new Blob([content], { type }));
  link.download = name;
  link.click();
  // Revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  return name;
}
