import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isAttachableVolumeResourceName,
  isExtendedResourceName,
  isHugePageResourceName,
  isNativeResource,
  isQualifiedName,
} from './resource-names.ts';

test('resource name classes', () => {
  assert.equal(isHugePageResourceName('hugepages-2Mi'), true);
  assert.equal(isHugePageResourceName('memory'), false);
  assert.equal(isAttachableVolumeResourceName('attachable-volumes-aws-ebs'), true);
  assert.equal(isNativeResource('cpu'), true);
  assert.equal(isNativeResource('kubernetes.io/something'), true);
  assert.equal(isNativeResource('nvidia.com/gpu'), false);
  assert.equal(isExtendedResourceName('nvidia.com/gpu'), true);
  assert.equal(isExtendedResourceName('cpu'), false);
  assert.equal(isExtendedResourceName('requests.nvidia.com/gpu'), false);
  assert.equal(
    isExtendedResourceName('Bad_Domain.com/gpu'),
    false,
    'upper case prefix is not a DNS subdomain',
  );
  assert.equal(isExtendedResourceName('a.com/b/c'), false);
});

test('qualified names', () => {
  assert.equal(isQualifiedName('app'), true);
  assert.equal(isQualifiedName('example.com/app.v1'), true);
  assert.equal(isQualifiedName('example.com/'), false);
  assert.equal(isQualifiedName('/app'), false);
  assert.equal(isQualifiedName('-app'), false);
  assert.equal(isQualifiedName('x'.repeat(64)), false);
  assert.equal(isQualifiedName('x'.repeat(63)), true);
});
