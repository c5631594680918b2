import { layerViolations } from '../helpers/layer-violations'

// The README's "Layers" rules, as .dependency-cruiser.cjs writes them, hold for src/ today.
test('src/ breaks none of the layer rules', () => {
  expect(layerViolations()).toEqual([])
})
