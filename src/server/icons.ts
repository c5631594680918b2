/**
 * The icons the server serves, drawn for this package. The destination's: a red disc with a white "P",
 * at the template's `icon_url` whatever its file name says. The page's (its favicon): two linked nodes.
 */
export const DESTINATION_ICON_SVG = [
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" role="img">',
  '<title>Pinterest Conversions API</title>',
  '<circle cx="32" cy="32" r="32" fill="#e60023"/>',
  '<path fill="#fff" fill-rule="evenodd" d="M23 50V14h12a11 11 0 0 1 0 22h-5v14zM30 21v8h5a4 4 0 0 0 0-8z"/>',
  '</svg>',
].join('')

export const PAGE_ICON_SVG = [
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img">',
  '<title>Data pipelines</title>',
  '<rect width="32" height="32" rx="7" fill="#1d4ed8"/>',
  '<path d="M10 11h6a4 4 0 0 1 4 4v2a4 4 0 0 0 4 4h0" fill="none" stroke="#fff" stroke-width="2.5" stroke-linecap="round"/>',
  '<circle cx="9" cy="11" r="3.5" fill="#fff"/><circle cx="23" cy="21" r="3.5" fill="#fff"/>',
  '</svg>',
].join('')
