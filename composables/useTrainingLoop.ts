import type { MaybeRefOrGetter } from 'vue'
import { useRafFn } from '@vueuse/core'
import { shallowRef, toValue, watch } from 'vue'

export interface TrainingLoopOptions {
  /** Whether frames should run now (the slide is shown and the user has not paused). */
  active: MaybeRefOrGetter<boolean>
  /** One frame of work; the next frame starts only after this one settles. */
  frame: () => Promise<void>
}

/**
 * Runs `frame` once per animation frame while `active` is true.
 * Frames never overlap, so a slow read-back delays the next step instead of queueing work.
 */
export function useTrainingLoop(options: TrainingLoopOptions) {
  const busy = shallowRef(false)
  const raf = useRafFn(() => {
    if (busy.value)
      return
    busy.value = true
    options.frame().finally(() => {
      busy.value = false
    })
  }, { immediate: false })

  watch(() => toValue(options.active), (on) => {
    if (on)
      raf.resume()
    else
      raf.pause()
  }, { immediate: true })

  return { isActive: raf.isActive, busy }
}
