/**
 * Hands text to the browser as a download. Everything Hearth exports goes through here, so a
 * file name always carries the date it was made.
 */
export function saveFile(baseName: string, text: string, type = 'application/json', extension = 'json'): string {
  const name = `${baseName}-${new Date().toISOString().slice(0, 10)}.${extension}`;
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = name;
  link.click();
  // Revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  return name;
}
