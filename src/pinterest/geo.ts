// Lookup tables for the state and country normalisers. Keys are "folded": lowercase ASCII letters only
// (see foldKey), so "New York", "new-york" and "NEW YORK" share one entry.

export function foldKey(raw: string): string {
  // Plain ASCII (nearly every input) needs no Unicode decomposition.
  if (/^[\x20-\x7e]*$/.test(raw)) return raw.toLowerCase().replace(/[^a-z]/g, '')
  return raw
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}]/gu, '')
}

const US_STATE_ROWS: ReadonlyArray<readonly [string, string]> = [
  ['al', 'alabama'],
  ['ak', 'alaska'],
  ['az', 'arizona'],
  ['ar', 'arkansas'],
  ['ca', 'california'],
  ['co', 'colorado'],
  ['ct', 'connecticut'],
  ['de', 'delaware'],
  ['fl', 'florida'],
  ['ga', 'georgia'],
  ['hi', 'hawaii'],
  ['id', 'idaho'],
  ['il', 'illinois'],
  ['in', 'indiana'],
  ['ia', 'iowa'],
  ['ks', 'kansas'],
  ['ky', 'kentucky'],
  ['la', 'louisiana'],
  ['me', 'maine'],
  ['md', 'maryland'],
  ['ma', 'massachusetts'],
  ['mi', 'michigan'],
  ['mn', 'minnesota'],
  ['ms', 'mississippi'],
  ['mo', 'missouri'],
  ['mt', 'montana'],
  ['ne', 'nebraska'],
  ['nv', 'nevada'],
  ['nh', 'new hampshire'],
  ['nj', 'new jersey'],
  ['nm', 'new mexico'],
  ['ny', 'new york'],
  ['nc', 'north carolina'],
  ['nd', 'north dakota'],
  ['oh', 'ohio'],
  ['ok', 'oklahoma'],
  ['or', 'oregon'],
  ['pa', 'pennsylvania'],
  ['ri', 'rhode island'],
  ['sc', 'south carolina'],
  ['sd', 'south dakota'],
  ['tn', 'tennessee'],
  ['tx', 'texas'],
  ['ut', 'utah'],
  ['vt', 'vermont'],
  ['va', 'virginia'],
  ['wa', 'washington'],
  ['wv', 'west virginia'],
  ['wi', 'wisconsin'],
  ['wy', 'wyoming'],
  ['dc', 'district of columbia'],
  ['dc', 'washington dc'],
]

// [alpha-2, alpha-3, common names…]; names in English plus the local name where it is commonly typed.
const COUNTRY_ROWS: ReadonlyArray<readonly string[]> = [
  ['us', 'usa', 'united states', 'united states of america', 'america'],
  ['gb', 'gbr', 'united kingdom', 'uk', 'great britain', 'britain', 'england', 'scotland', 'wales', 'northern ireland'],
  ['ca', 'can', 'canada'],
  ['au', 'aus', 'australia'],
  ['nz', 'nzl', 'new zealand'],
  ['ie', 'irl', 'ireland', 'eire'],
  ['de', 'deu', 'germany', 'deutschland'],
  ['fr', 'fra', 'france'],
  ['es', 'esp', 'spain', 'españa'],
  ['pt', 'prt', 'portugal'],
  ['it', 'ita', 'italy', 'italia'],
  ['nl', 'nld', 'netherlands', 'the netherlands', 'holland', 'nederland'],
  ['be', 'bel', 'belgium', 'belgië', 'belgique'],
  ['lu', 'lux', 'luxembourg'],
  ['ch', 'che', 'switzerland', 'schweiz', 'suisse', 'svizzera'],
  ['at', 'aut', 'austria', 'österreich'],
  ['dk', 'dnk', 'denmark', 'danmark'],
  ['se', 'swe', 'sweden', 'sverige'],
  ['no', 'nor', 'norway', 'norge'],
  ['fi', 'fin', 'finland', 'suomi'],
  ['is', 'isl', 'iceland'],
  ['pl', 'pol', 'poland', 'polska'],
  ['cz', 'cze', 'czechia', 'czech republic', 'česko'],
  ['sk', 'svk', 'slovakia'],
  ['hu', 'hun', 'hungary', 'magyarország'],
  ['ro', 'rou', 'romania'],
  ['bg', 'bgr', 'bulgaria'],
  ['gr', 'grc', 'greece'],
  ['hr', 'hrv', 'croatia', 'hrvatska'],
  ['si', 'svn', 'slovenia'],
  ['ee', 'est', 'estonia'],
  ['lv', 'lva', 'latvia'],
  ['lt', 'ltu', 'lithuania'],
  ['ua', 'ukr', 'ukraine'],
  ['ru', 'rus', 'russia', 'russian federation'],
  ['tr', 'tur', 'turkey', 'türkiye'],
  ['il', 'isr', 'israel'],
  ['ae', 'are', 'united arab emirates', 'uae'],
  ['sa', 'sau', 'saudi arabia'],
  ['qa', 'qat', 'qatar'],
  ['eg', 'egy', 'egypt'],
  ['ma', 'mar', 'morocco'],
  ['za', 'zaf', 'south africa'],
  ['ng', 'nga', 'nigeria'],
  ['ke', 'ken', 'kenya'],
  ['in', 'ind', 'india'],
  ['pk', 'pak', 'pakistan'],
  ['bd', 'bgd', 'bangladesh'],
  ['cn', 'chn', 'china'],
  ['hk', 'hkg', 'hong kong'],
  ['tw', 'twn', 'taiwan'],
  ['jp', 'jpn', 'japan', 'nippon'],
  ['kr', 'kor', 'south korea', 'korea', 'republic of korea'],
  ['sg', 'sgp', 'singapore'],
  ['my', 'mys', 'malaysia'],
  ['id', 'idn', 'indonesia'],
  ['th', 'tha', 'thailand'],
  ['vn', 'vnm', 'vietnam', 'viet nam'],
  ['ph', 'phl', 'philippines'],
  ['mx', 'mex', 'mexico', 'méxico'],
  ['br', 'bra', 'brazil', 'brasil'],
  ['ar', 'arg', 'argentina'],
  ['cl', 'chl', 'chile'],
  ['co', 'col', 'colombia'],
  ['pe', 'per', 'peru', 'perú'],
]

function buildIndex(rows: ReadonlyArray<readonly string[]>): ReadonlyMap<string, string> {
  const index = new Map<string, string>()
  for (const [code, ...names] of rows) {
    for (const name of names) index.set(foldKey(name), code)
  }
  return index
}

export const US_STATE_CODES = buildIndex(US_STATE_ROWS)
export const COUNTRY_CODES = buildIndex(COUNTRY_ROWS)
