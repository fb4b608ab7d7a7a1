import antfu from '@antfu/eslint-config'

// eslint-flat-config-utils calls Object.groupBy (Node >= 21); this project supports Node 20 too.
if (!Object.groupBy) {
  Object.groupBy = (items, key) => {
    const groups = Object.create(null)
    let index = 0
    for (const item of items)
      (groups[key(item, index++)] ??= []).push(item)
    return groups
  }
}

export default antfu({
  vue: true,
  typescript: true,
  markdown: false,
  ignores: ['dist', '.cache', '.slidev', 'components.d.ts', '*.pdf'],
}, {
  // Scripts and tests report to the terminal on purpose.
  files: ['scripts/**', 'test/**'],
  rules: { 'no-console': 'off' },
})
