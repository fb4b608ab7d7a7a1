/**
 * Keys pressed on a demo's control (slider, radio, select, number box, button, a plot that takes the keyboard) belong
 * to that control only.
 *
 * Slidev reads its shortcuts (arrows, Space, PageUp/PageDown, letters) from keydown events on `window`, and ignores
 * them only while an input or a button has focus: a key still held when the control lets go of focus (or any key on
 * a select) would move the deck as well. Stopping such keydowns on their way up, at the document, keeps them from
 * Slidev's listener; the control's own default action (the slider moves, the button clicks) is not affected.
 * Escape hands the keyboard back to the deck: the control loses focus, and the next arrow key changes the slide.
 */
if (typeof document !== 'undefined') {
  document.addEventListener('keydown', (event) => {
    const target = event.target
    // An SVG plot that takes the keyboard (a draggable handle) is an SVGElement, not an HTMLElement.
    if (!(target instanceof HTMLElement || target instanceof SVGElement) || !target.closest('.demo-shell'))
      return
    if (event.key === 'Escape')
      target.blur()
    event.stopPropagation()
  })
}
