import { DomainError } from '../../lib/errors.ts';
import { LAYER_IDS } from '../../schemas/layers.ts';

// The refusals about a layer or a feature named in the path, shared by the layer and map routes.

/** A layer the path names that does not exist (404). */
export function unknownLayer(layer: string): DomainError {
  return new DomainError(
    404,
    'layer_not_found',
    `unknown layer '${layer}'; layers are ${LAYER_IDS.join(', ')}`,
    {
      layer,
      layers: LAYER_IDS.join(', '),
    },
  );
}

/** A feature id in the path that is not a positive integer (400). */
export function badFeatureId(id: string): DomainError {
  return new DomainError(
    400,
    'feature_id_invalid',
    `params/id: '${id}' is not a feature id (a positive integer)`,
    {
      id,
    },
  );
}

/** A feature the path names that the layer does not hold (in the caller's area). */
export function missingFeature(layer: string, id: string): DomainError {
  return new DomainError(404, 'feature_not_found', `no feature ${id} in layer '${layer}'`, { id, layer });
}
