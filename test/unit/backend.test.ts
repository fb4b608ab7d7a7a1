import * as tf from '@tensorflow/tfjs-core'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { backendNames, describeBackend, initBackend, isBackendName, resetBackendChoice } from '../../src/core/backend'
import { useCpuBackend } from './setup-tf'

describe('backend choice in Node', () => {
  afterEach(() => resetBackendChoice())
  // Leave the worker as every other test file expects it: on cpu.
  afterAll(async () => {
    resetBackendChoice()
    await useCpuBackend()
  })

  it('knows its backends', () => {
    expect(backendNames).toEqual(['webgl', 'wasm', 'cpu'])
    expect(isBackendName('wasm')).toBe(true)
    expect(isBackendName('webgpu')).toBe(false)
    expect(isBackendName(undefined)).toBe(false)
  })

  it('defaults to cpu', async () => {
    expect(await initBackend()).toBe('cpu')
    expect(tf.getBackend()).toBe('cpu')
    expect(describeBackend()).toBe('cpu')
  })

  it('runs the wasm backend from node_modules when asked', async () => {
    expect(await initBackend('wasm')).toBe('wasm')
    expect(tf.getBackend()).toBe('wasm')
    expect(describeBackend()).toMatch(/^wasm/)
    const before = tf.memory().numTensors
    const product = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]), tf.tensor2d([7, 8, 9, 10, 11, 12], [3, 2])))
    expect(product.shape).toEqual([2, 2])
    expect(Array.from(await product.data())).toEqual([58, 64, 139, 154])
    product.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('initialises once until reset', async () => {
    expect(await initBackend('wasm')).toBe('wasm')
    expect(await initBackend('cpu')).toBe('wasm')
    resetBackendChoice()
    expect(await initBackend('cpu')).toBe('cpu')
  })

  it('falls back from an unknown preference', async () => {
    expect(await initBackend('tpu')).toBe('cpu')
  })

  it('falls back from WebGL, which Node lacks', async () => {
    expect(await initBackend('webgl')).toBe('cpu')
  })
})
