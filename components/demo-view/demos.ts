import type { Experiment } from '../../src/experiments/declare'
import { demoSlides } from 'virtual:demo-slides'
import { experiments } from '../../src/experiments/registry'

/** A demo of the lecture as the demo view lists it: found on its slide, named after the experiment it starts with. */
export interface DemoEntry {
  /** The view's address (`#/demos/<id>`): the first of its experiments in the lecture's order. */
  id: string
  experiment: Experiment
  /** Every experiment the demo can show: each one's id reaches the view (the slide links by the one shown now). */
  experiments: string[]
  /** Its slide. */
  no: number
}

export const demoEntries: DemoEntry[] = demoSlides.flatMap(({ no, experiments: ids }) => {
  const shown = experiments.filter(e => ids.includes(e.id))
  return shown.length > 0 ? [{ id: shown[0].id, experiment: shown[0], experiments: ids, no }] : []
})

export function findDemo(id: string): DemoEntry | undefined {
  return demoEntries.find(d => d.id === id) ?? demoEntries.find(d => d.experiments.includes(id))
}
