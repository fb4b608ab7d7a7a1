import type { InjectionKey, Ref } from 'vue'
import { computed, inject, shallowRef, watch } from 'vue'

/** Counts the times a demo's run settled (paused, finished, diverged, stopped, or stepped while paused): DemoShell provides it. */
export const settledKey: InjectionKey<Readonly<Ref<number>>> = Symbol('demo run settled')

/**
 * A plot's text alternative (or anything worded from its props). Inside a demo it is worded again each time the run
 * settles, from the frame then drawn, never per frame: a screen reader would read a changing label again and again.
 * A plot outside a demo follows its props.
 */
export function useSettled<T>(word: () => T): Readonly<Ref<T>> {
  const settled = inject(settledKey, undefined)
  if (!settled)
    return computed(word)
  const value = shallowRef(word())
  // After the render: the plot's props are then those of the frame the run settled on.
  watch(settled, () => {
    value.value = word()
  }, { flush: 'post' })
  return value
}
