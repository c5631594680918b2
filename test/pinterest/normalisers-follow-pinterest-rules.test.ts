import * as n from '../../src/pinterest/normalize'

type Case = readonly [input: string, expected: string | null]

function check(normalise: n.Normaliser, cases: readonly Case[]): void {
  it.each(cases)('%j → %j', (input, expected) => {
    expect(normalise(input)).toBe(expected)
  })
}

describe('email: trimmed and lowercased', () => {
  check(n.normaliseEmail, [
    ['Jane.Doe@Acme-Customer.example', 'jane.doe@acme-customer.example'],
    ['  JOHN@EXAMPLE.COM\n', 'john@example.com'],
    ['', null],
    ['   ', null],
    ['no-at-sign', null],
  ])
})

describe('phone: digits only, no leading zeros', () => {
  check(n.normalisePhone, [
    ['+1 (503) 555-0142', '15035550142'],
    ['0044 20 7946 0958', '442079460958'],
    ['+44 (0)20-7946-0958', '4402079460958'],
    ['1.503.555.0142', '15035550142'],
    ['tel: 15035550142', '15035550142'],
    ['000', null],
    ['n/a', null],
  ])
})

describe('first and last name: trimmed and lowercased', () => {
  check(n.normaliseName, [
    ['Jane', 'jane'],
    ['  DOE ', 'doe'],
    ['Zoë', 'zoë'],
    [' ', null],
  ])
})

describe('gender: f, m or n', () => {
  check(n.normaliseGender, [
    ['female', 'f'],
    ['F', 'f'],
    [' Woman ', 'f'],
    ['w', 'f'],
    ['male', 'm'],
    ['M', 'm'],
    ['MAN', 'm'],
    ['non-binary', 'n'],
    ['Nonbinary', 'n'],
    ['non_binary', 'n'],
    ['non binary', 'n'],
    ['other', 'n'],
    ['N', 'n'],
    ['unknown', null],
    ['prefer not to say', null],
    ['', null],
  ])
})

describe('date of birth: YYYYMMDD', () => {
  check(n.normaliseDateOfBirth, [
    ['1988-07-04', '19880704'],
    ['1988/07/04', '19880704'],
    ['1988-7-4', '19880704'],
    ['19880704', '19880704'],
    ['1988-07-04T00:00:00Z', '19880704'],
    ['1988-07-04T23:30:00-05:00', '19880704'],
    ['07/04/1988', '19880704'],
    ['7/4/1988', '19880704'],
    ['25/12/1990', '19901225'],
    ['04.07.1988', '19880704'],
    ['1988-13-01', null],
    ['1990-02-30', null],
    ['2000-02-29', '20000229'],
    ['1900-02-29', null],
    ['13/13/1990', null],
    ['July 4th', null],
    ['', null],
  ])
})

describe('city: lowercase without spaces or punctuation', () => {
  check(n.normaliseCity, [
    ['San Francisco', 'sanfrancisco'],
    ['St. Louis', 'stlouis'],
    ['Portland', 'portland'],
    ["Martha's Vineyard", 'marthasvineyard'],
    ['Winston-Salem', 'winstonsalem'],
    ['München', 'münchen'],
    ['  ', null],
    ['...', null],
  ])
})

describe('state: two-letter lowercase code', () => {
  check(n.normaliseState, [
    ['Oregon', 'or'],
    ['OREGON', 'or'],
    ['OR', 'or'],
    ['ca', 'ca'],
    ['New York', 'ny'],
    ['new-york', 'ny'],
    ['N.Y.', 'ny'],
    ['District of Columbia', 'dc'],
    ['Washington', 'wa'],
    ['West Virginia', 'wv'],
    ['Bavaria', null],
    ['', null],
  ])
})

describe('zip: lowercase, no spaces, US ZIP+4 cut to 5 digits', () => {
  check(n.normaliseZip, [
    ['97205', '97205'],
    ['97205-1234', '97205'],
    ['972051234', '97205'],
    [' 97205 ', '97205'],
    ['SW1A 2AA', 'sw1a2aa'],
    ['K1A 0B1', 'k1a0b1'],
    ['10115', '10115'],
    ['', null],
  ])
})

describe('country: ISO alpha-2 lowercase', () => {
  check(n.normaliseCountry, [
    ['United States', 'us'],
    ['USA', 'us'],
    ['U.S.', 'us'],
    ['U.S.A.', 'us'],
    ['US', 'us'],
    ['united states of america', 'us'],
    ['United Kingdom', 'gb'],
    ['UK', 'gb'],
    ['Great Britain', 'gb'],
    ['GBR', 'gb'],
    ['Deutschland', 'de'],
    ['Germany', 'de'],
    ['DEU', 'de'],
    ['France', 'fr'],
    ['Canada', 'ca'],
    ['Australia', 'au'],
    ['Japan', 'jp'],
    ['Österreich', 'at'],
    ['México', 'mx'],
    ['Türkiye', 'tr'],
    ['fr', 'fr'],
    ['Atlantis', null],
    ['', null],
  ])
})

describe('external_id: trimmed, case kept', () => {
  check(n.normaliseExternalId, [
    ['  User-42 ', 'User-42'],
    ['', null],
  ])
})

describe('mobile ad id: trimmed only', () => {
  check(n.normaliseMaid, [
    [' 6D92078A-8246-4BA4-AE5B-76104861E7DC ', '6D92078A-8246-4BA4-AE5B-76104861E7DC'],
    ['\t38400000-8cf0-11bd-b23e-10b96e40000d\n', '38400000-8cf0-11bd-b23e-10b96e40000d'],
    ['', null],
  ])
})
