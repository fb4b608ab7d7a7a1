/// <reference path="../types/demo-slides.d.ts" />
/**
 * The public Vue API (`import { ... } from 'slidev-addon-weight-decay/vue'`): the composables that run a declared
 * experiment on a slide, the frame and controls every demo shares, and the plain plots. Slidev also registers the
 * components by name in a deck that lists the addon; importing them from here types their props.
 */
export { default as DemoReadout } from '../components/demo/DemoReadout.vue'
export type { ReadoutRow, ReadoutValue } from '../components/demo/DemoReadout.vue'
export { default as DemoShell } from '../components/demo/DemoShell.vue'
export { default as DemoSlider } from '../components/demo/DemoSlider.vue'
export { default as SeriesPanels } from '../components/demo/SeriesPanels.vue'
export type { Panel } from '../components/demo/SeriesPanels.vue'
export { default as BarChart } from '../components/plot/BarChart.vue'
export type { BarGroup, BarMark } from '../components/plot/BarChart.vue'
export { default as ContourPlot } from '../components/plot/ContourPlot.vue'
export type { ContourCurve, ContourHighlight, ContourMarker } from '../components/plot/ContourPlot.vue'
export { default as FieldPlot } from '../components/plot/FieldPlot.vue'
export type { FieldBox, FieldGrid, FieldHeat, FieldLevel, FieldPath } from '../components/plot/FieldPlot.vue'
export { default as HistogramPlot } from '../components/plot/HistogramPlot.vue'
export type { Histogram, HistogramCurve, HistogramMarker } from '../components/plot/HistogramPlot.vue'
export { default as LinePlot } from '../components/plot/LinePlot.vue'
export type { LinePlotProps, PlotSeries } from '../components/plot/LinePlot.vue'
export { default as PlotLegend } from '../components/plot/PlotLegend.vue'
export type { LegendEntry, LegendKind } from '../components/plot/PlotLegend.vue'
export { default as VectorPlane } from '../components/plot/VectorPlane.vue'
export type { PlaneArrow, PlaneCurve, PlaneMarker } from '../components/plot/VectorPlane.vue'
export type { DemoMode } from '../src/core/demo-mode'
export { useDemoMode } from './useDemoMode'
export { useExperimentRun, useParamControl, useViewControl } from './useExperimentRun'
export type { DemoState, ExperimentRun, ExperimentRunOptions } from './useExperimentRun'
