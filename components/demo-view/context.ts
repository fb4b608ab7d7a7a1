import type { InjectionKey } from 'vue'

/** Provided by the demo view (`#/demos/<id>`): the demo shown there needs no link to itself. */
export const inDemoView: InjectionKey<boolean> = Symbol('in-demo-view')
