/**
 * Uploaded avatar images are resized in the browser and stored as small data URLs: nothing is
 * uploaded, and a large photo does not bloat the database or the export.
 */
const SIZE = 96;
const MAX_INPUT_BYTES = 10 * 1024 * 1024;
const ACCEPTED = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];

export class AvatarImageError extends Error {
  override readonly name = 'AvatarImageError';
}

export async function resizeAvatarImage(file: Blob): Promise<string> {
  if (!ACCEPTED.includes(file.type)) throw new AvatarImageError('Choose a PNG, JPEG, WebP or GIF image.');
  if (file.size > MAX_INPUT_BYTES) throw new AvatarImageError('That image is larger than 10 MB.');
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new AvatarImageError('That file could not be read as an image.');
  }
  // Cover a square: crop the longer side around the centre.
  const side = Math.min(bitmap.width, bitmap.height);
  const canvas = document.createElement('canvas');
  canvas.width = SIZE;
  canvas.height = SIZE;
  const context = canvas.getContext('2d');
  if (!context) throw new AvatarImageError('This browser cannot resize images.');
  context.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, SIZE, SIZE);
  bitmap.close();
  const webp = canvas.toDataURL('image/webp', 0.85);
  return webp.startsWith('data:image/webp') ? webp : canvas.toDataURL('image/png');
}
