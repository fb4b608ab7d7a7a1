import { defineRoutesSetup } from '@slidev/types'

/**
 * The demo view, next to Slidev's own routes (hash routing: `#/demos`, `#/demos/<id>`). Static paths rank above
 * Slidev's `/:no`, and `/demos/<id>` has two segments where a slide's path has one.
 */
export default defineRoutesSetup(routes => [
  { name: 'demos', path: '/demos', component: () => import('../components/demo-view/DemoList.vue') },
  { name: 'demo-view', path: '/demos/:id', component: () => import('../components/demo-view/DemoView.vue'), props: true },
  ...routes,
])
