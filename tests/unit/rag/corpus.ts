/**
 * A small labelled corpus for ranking tests: three documents a user might really attach
 * (an appliance manual, a trail guide, a team handbook), 26 sections, and questions phrased
 * the way people ask them, each labelled with the section that answers it.
 */
export const CORPUS: Record<string, string> = {
  'espresso-manual.md': `# Brevia Duo espresso machine: user manual

## Unboxing

Remove the machine, the portafilter, the single and double baskets, the tamper and the milk jug from the box. Keep the packaging for the first two weeks in case you need to return the machine. Check the power cord for damage before plugging it in.

## Filling the water tank

The removable tank at the back holds 1.8 litres. Use fresh, cold, filtered water; distilled water makes the boiler sensor misread the level. Never run the pump with an empty tank: the pump overheats and the warranty does not cover that damage.

## Grinding the beans

Use freshly roasted beans, ideally one to four weeks after the roast date. Grind just before brewing, fine like table salt. A double shot needs 18 grams of ground coffee. If the grinder has steps, start at step 8 and adjust one step at a time.

## Tamping

Level the grounds in the basket, then press straight down with the tamper until the bed no longer compresses, about 15 kilograms of force. An uneven tamp makes water channel through one side of the puck.

## Pulling a shot

Lock the portafilter into the group head and press the double-cup button. A good double shot takes 25 to 30 seconds from the first drop and yields about 36 grams in the cup. Shots much faster or slower than that point to the grind size, not the machine.

## Steaming and frothing milk

Purge the steam wand for two seconds, then put the tip just below the surface of cold milk. Stretch the milk until the jug feels warm, then sink the tip deeper to heat it to 60 °C. For a cappuccino make more foam; for a flat white keep it silky. Wipe the wand immediately after use.

## Descaling

Limescale builds up in the boiler and slows the flow. Descale every two months with hard water, or every four months with soft water, using a citric acid descaler. Fill the tank with the solution, run half of it through the group head and half through the steam wand, then rinse with two full tanks of clean water.

## Cleaning the group head

Once a week, backflush with the blind basket and a spoon of cleaning powder: five cycles of ten seconds on, ten seconds off. Brush the shower screen and the gasket daily so old coffee oil does not turn rancid.

## Troubleshooting: the pump is loud

A rattling or buzzing pump usually means the water tank is empty or not seated properly. Refill it and push it down until it clicks. If the noise continues with a full tank, the inlet filter may be blocked by scale: descale the machine.

## Troubleshooting: coffee tastes sour or bitter

Sour, thin coffee is under-extracted: grind finer or use a longer shot. Bitter, harsh coffee is over-extracted: grind coarser or stop the shot earlier. Stale beans taste flat whatever you do.

## Troubleshooting: error codes

E1 means the tank is empty. E2 means the boiler did not reach pressure within five minutes. E4 means the temperature sensor reports an impossible value: switch the machine off, let it cool for thirty minutes and switch it on again; if E4 returns, contact service.

## Warranty

The machine carries a two-year warranty from the date of purchase. Keep your receipt or invoice: without proof of purchase the warranty cannot be honoured. Damage from limescale, a dry-running pump or unauthorised repairs is excluded.
`,
  'hiking-trails.md': `# Pine Valley trails

## Ridge Loop

The Ridge Loop is 12 kilometres long with 700 metres of ascent and takes five to six hours. The path is rocky and exposed above the tree line; sturdy boots are essential. The view from Eagle Point covers three valleys.

## Lake Trail

An easy, flat walk of four kilometres around Mirror Lake. The first two kilometres are paved and suitable for wheelchairs and strollers. Benches and toilets are at the boathouse.

## Permits and fire rules

Day hikes need no permit. Overnight camping requires a backcountry permit from the visitor centre. Campfires and other open fires are banned from May to September because of the wildfire risk; gas stoves are allowed all year.

## Parking and shuttle

The trailhead car park has 60 spaces and is usually full by 8 am on weekends. A free shuttle bus leaves the town hall every 30 minutes from 7 am to 6 pm and stops at the trailhead.

## Wildlife

Black bears live in the valley. Store all food, rubbish and toiletries in a bear-proof canister at night, and never leave a backpack unattended. If you meet a bear, speak calmly, stay in a group and back away slowly.

## Weather

Summer afternoons often bring thunderstorms, especially in July. Start early and be below the ridge by 1 pm. Snow can linger on the north side of the Ridge Loop until mid-June.

## Dogs

Dogs are welcome on a leash no longer than two metres. They are not allowed on the boathouse beach. Please carry their waste out with you.
`,
  'team-handbook.md': `# Team handbook

## Holidays and vacation

Everyone gets 25 days of paid vacation a year, plus public holidays. Request leave in the HR portal at least two weeks in advance; for more than ten consecutive days, ask your manager a month ahead. Unused days carry over until the end of March.

## Expense reports

Submit expense reports within 30 days of the purchase through the finance portal. Attach a receipt for anything above 25 euros. Travel must be booked through the travel desk to be reimbursed.

## Remote work

You may work from home up to three days a week. Core hours are 10:00 to 15:00 in your local time zone, when you should be reachable on chat. Working from abroad for more than two weeks needs approval from HR.

## On-call rotation

Engineers rotate on call weekly. The handover is every Monday at 10:00 in the operations channel, with a short written summary of open incidents. On-call weeks are paid an extra allowance.

## Security

Use the company password manager for every account. Two-factor authentication is mandatory for email, code hosting and the cloud console. Report a lost laptop or phone to the security team within one hour.

## Laptop setup

New starters receive a laptop on their first day. Enable disk encryption, install the device management profile and join the office Wi-Fi with your personal certificate.

## Learning budget

Each person has a learning budget of 1,000 euros a year for books, courses and conferences. Ask your manager before booking a conference abroad.
`,
};

/** A question, and the document and section that answer it. */
export interface LabelledQuery {
  query: string;
  document: string;
  section: string;
}

export const QUERIES: LabelledQuery[] = [
  { query: 'How often should I descale the machine?', document: 'espresso-manual.md', section: 'Descaling' },
  { query: 'my espresso tastes sour, what am I doing wrong', document: 'espresso-manual.md', section: 'Troubleshooting: coffee tastes sour or bitter' },
  { query: 'what does error E4 mean', document: 'espresso-manual.md', section: 'Troubleshooting: error codes' },
  { query: 'how many seconds should a double shot take', document: 'espresso-manual.md', section: 'Pulling a shot' },
  { query: 'is the warranty valid if I lost the receipt', document: 'espresso-manual.md', section: 'Warranty' },
  { query: 'frothing milk for a cappuccino', document: 'espresso-manual.md', section: 'Steaming and frothing milk' },
  { query: 'why is the pump so noisy', document: 'espresso-manual.md', section: 'Troubleshooting: the pump is loud' },
  { query: 'how much ground coffee for a double', document: 'espresso-manual.md', section: 'Grinding the beans' },
  { query: 'are campfires allowed in summer', document: 'hiking-trails.md', section: 'Permits and fire rules' },
  { query: 'where to park, is there a bus to the trailhead', document: 'hiking-trails.md', section: 'Parking and shuttle' },
  { query: 'what to do if we meet a bear', document: 'hiking-trails.md', section: 'Wildlife' },
  { query: 'which trail works with a wheelchair', document: 'hiking-trails.md', section: 'Lake Trail' },
  { query: 'are thunderstorms likely in July', document: 'hiking-trails.md', section: 'Weather' },
  { query: 'can I bring my dog', document: 'hiking-trails.md', section: 'Dogs' },
  { query: 'how many vacation days do I get', document: 'team-handbook.md', section: 'Holidays and vacation' },
  { query: 'deadline for submitting expenses', document: 'team-handbook.md', section: 'Expense reports' },
  { query: 'how many days can I work from home', document: 'team-handbook.md', section: 'Remote work' },
  { query: 'when is the on-call handover', document: 'team-handbook.md', section: 'On-call rotation' },
  { query: 'is two-factor authentication required', document: 'team-handbook.md', section: 'Security' },
  { query: 'budget for courses and conferences', document: 'team-handbook.md', section: 'Learning budget' },
];
