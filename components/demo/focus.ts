/**
 * After a demo's control was used with the pointer: hand the keyboard back to the deck, so that the arrow keys go on
 * changing slides (keys on a focused control stay with it, see setup/keyboard.ts). A control the keyboard reached
 * keeps its focus, or the next arrow key or Tab would be lost: Escape hands it back instead. A click made with the
 * keyboard (Enter, Space) has no pointer detail; otherwise the browser's focus ring says how focus came.
 */
export function releaseAfterPointer(event: Event) {
  const control = event.currentTarget
  if (!(control instanceof HTMLElement))
    return
  const byKeyboard = event instanceof MouseEvent && event.type === 'click' ? event.detail === 0 : control.matches(':focus-visible')
  if (!byKeyboard)
    control.blur()
}
