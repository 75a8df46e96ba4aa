import { describeMotoLane } from './support/moto-lane';

describeMotoLane({ kms: false, dynamodb: true });
