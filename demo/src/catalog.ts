/**
 * The demo site's fixed product catalog. Everything here is deterministic (fixed lists and
 * arithmetic on the index, no randomness) so tests and benchmarks can compare scraped output
 * with demoCatalog() exactly. Some names are awkward on purpose: they exercise HTML escaping
 * on the way in and CSV quoting on the way out.
 */
export interface DemoProduct {
  sku: string;
  name: string;
  price: number;
  /** Path on the demo site, e.g. /product/SKU-001. */
  url: string;
  category: string;
}

export const PAGE_SIZE = 20;
export const PAGE_COUNT = 3;

const CATEGORIES = ['Kitchen', 'Garden', 'Office', 'Outdoor', 'Bath', 'Toys'] as const;

// Index i gets category CATEGORIES[i % 6], so rows of six read Kitchen..Toys.
const NAMES: readonly string[] = [
  'Salt & Pepper Mill', 'Bamboo Plant Stakes', 'Stapler "Heavy Duty"', 'Camping Lantern', 'Café Crème Bath Salts', 'Wooden Train Set',
  '12" Cast Iron Skillet', 'Garden Hose, 25 m', 'Fine-Liner Pens <0.5 mm>', 'Trekking Poles', 'Eucalyptus Shower Gel', "Kid's Kite",
  'Café Crème Mug', 'Jalapeño Seeds', 'Notebook A5, Dotted', 'Down Sleeping Bag', 'Towel Set, 3 Pieces', 'Building Blocks (120)',
  'Chef’s Knife 20 cm', 'Pruning Shears', 'Desk Lamp & USB Charger', 'Hammock', 'Bath Mat', 'Puzzle: 1000 Pieces',
  'Crème Brûlée Torch', 'Watering Can', 'Ergonomic Chair', 'Folding Table', 'Loofah Sponge', 'Yo-Yo',
  'Espresso Machine', 'Compost Bin', 'Standing Desk', 'Two-Person Tent', 'Bamboo Toothbrush', 'Rubber Duck',
  'Tea Towels, Set of 3', 'Bird Feeder', 'Paper Clips (Box of 500)', 'Water Bottle 1 L', 'Shower Caddy', 'Jigsaw "Night Sky"',
  'Stand Mixer', 'Lawn Mower', 'Monitor Arm', 'Kayak Paddle', 'Bathrobe', 'Rocking Horse',
  'Smörgåsbord Platter', 'Raised Garden Bed', 'Whiteboard 90×60', 'Headlamp', 'Soap Dish', 'Marble Run',
  'Dutch Oven 5 qt', 'Greenhouse, Walk-In', 'Office Chair Mat', 'Camp Stove', 'Rainfall Shower Head', 'Dolls’ House',
];

// Every product at index 7, 17, 27... costs more than $1,000 so prices need thousands separators.
const BIG_PRICES: readonly number[] = [1299, 1049.5, 2450, 1899.99, 1125, 3200];

function priceFor(index: number): number {
  if (index % 10 === 7) return BIG_PRICES[(index - 7) / 10] ?? 1000;
  const cents = 199 + ((index * 7919) % 9800);
  return cents / 100;
}

function skuFor(index: number): string {
  return `SKU-${String(index + 1).padStart(3, '0')}`;
}

/** Exactly 60 products, the same on every call; page N (1-based) holds products (N-1)*20 .. N*20-1. */
export function demoCatalog(): DemoProduct[] {
  return NAMES.map((name, index) => {
    const sku = skuFor(index);
    return {
      sku,
      name,
      price: priceFor(index),
      url: `/product/${sku}`,
      category: CATEGORIES[index % CATEGORIES.length] ?? 'Kitchen',
    };
  });
}

/** The products listed on catalog page `page` (1-based), or [] outside 1..PAGE_COUNT. */
export function catalogPage(page: number): DemoProduct[] {
  if (!Number.isInteger(page) || page < 1 || page > PAGE_COUNT) return [];
  return demoCatalog().slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
}

export function findProduct(sku: string): DemoProduct | undefined {
  return demoCatalog().find((p) => p.sku === sku);
}

/** `$12.34`, `$1,299.00`: US style with thousands separators, always two decimals. */
export function formatPrice(price: number): string {
  const cents = Math.round(price * 100);
  const whole = Math.floor(cents / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `$${whole}.${String(cents % 100).padStart(2, '0')}`;
}
