import { keyLabel, listScoreText, orderedKeys, percentText, reasonText, scoreText, skipReasons } from '../../src/ui/quality'

describe('match quality in words', () => {
  it('writes shares as whole percentages, never rounding a part to none or to all', () => {
    expect([0, 0.25, 0.5, 0.6667, 1].map(percentText)).toEqual(['0%', '25%', '50%', '67%', '100%'])
    expect(percentText(0.004)).toBe('<1%')
    expect(percentText(0.996)).toBe('>99%')
  })

  it("names Pinterest's keys in words beside their names", () => {
    expect(keyLabel('em')).toBe('Email (em)')
    expect(keyLabel('ph')).toBe('Phone number (ph)')
    expect(keyLabel('hashed_maids')).toBe('Mobile ad id (hashed_maids)')
    expect(keyLabel('client_ip_address_and_client_user_agent')).toBe('IP address with user agent (client_ip_address_and_client_user_agent)')
    expect(keyLabel('new_key')).toBe('new_key')
  })

  it('orders keys known first, as listed, then unknown ones by name', () => {
    expect(orderedKeys({ zz: 0, click_id: 0.25, em: 0.5, aa: 1, ph: 0 })).toEqual(['em', 'ph', 'click_id', 'aa', 'zz'])
  })

  it('writes scores out of 100, and says when a period had no events', () => {
    expect(scoreText(42)).toBe('42 / 100')
    expect(scoreText(0)).toBe('0 / 100')
    expect(scoreText(null)).toBe('No events in this period')
    expect(listScoreText(30)).toBe('Quality 30')
    expect(listScoreText(null)).toBe('—')
    expect(listScoreText(undefined)).toBe('—')
  })

  it('words skip reasons with their counts', () => {
    expect(reasonText('event_time_too_old', 1)).toBe('older than 7 days: 1')
    expect(reasonText('no_identifier', 2)).toBe('no email, mobile ad id, or IP address with user agent: 2')
    expect(reasonText('something_new', 3)).toBe('something_new: 3')
  })

  it('lists the skip reasons with a count, in the order the advice gives them', () => {
    expect(skipReasons({ zz: 1, event_time_too_old: 1, other: 0, no_identifier: 2, aa: 3 })).toEqual([
      ['no_identifier', 2],
      ['event_time_too_old', 1],
      ['aa', 3],
      ['zz', 1],
    ])
  })
})
