/**
 * The destination's icon, drawn for this package: a red disc with a white "P". Served at the template's
 * `icon_url`, whatever its file name says, as SVG.
 */
export const DESTINATION_ICON_SVG = [
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" role="img">',
  '<title>Pinterest Conversions API</title>',
  '<circle cx="32" cy="32" r="32" fill="#e60023"/>',
  '<path fill="#fff" fill-rule="evenodd" d="M23 50V14h12a11 11 0 0 1 0 22h-5v14zM30 21v8h5a4 4 0 0 0 0-8z"/>',
  '</svg>',
].join('')
